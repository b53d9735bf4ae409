package dev.sessiongateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindMethod;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.ClassUtils;

/**
 * Checks every group of {@code gateway.*} settings before any bean is made, and refuses
 * to start with one message that names every problem of every group at once, each with
 * the environment variable that sets it. A value is never shown: a key pasted in the
 * wrong place must not end up in a log. Each group is found from its
 * {@code @ConfigurationProperties} class, so a new group is checked with no change here.
 */
@Component
class SettingsCheck implements BeanFactoryPostProcessor, EnvironmentAware {

	private static final Pattern PROPERTY = Pattern.compile("gateway(?:\\.[a-z0-9-]+|\\[[^\\]\\s]+\\])+");

	private @Nullable Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		if (this.environment == null) {
			return;
		}
		Binder binder = Binder.get(this.environment);
		List<String> problems = new ArrayList<>();
		try (ValidatorFactory validation = Validation.buildDefaultValidatorFactory()) {
			for (Class<?> settings : settingsClasses(beanFactory)) {
				problems.addAll(check(binder, validation.getValidator(), settings));
			}
		}
		if (!problems.isEmpty()) {
			throw new InvalidSettingsException(problems.stream().sorted().toList());
		}
	}

	private static List<Class<?>> settingsClasses(ConfigurableListableBeanFactory beanFactory) {
		List<Class<?>> classes = new ArrayList<>();
		for (String name : beanFactory.getBeanDefinitionNames()) {
			BeanDefinition definition = beanFactory.getBeanDefinition(name);
			String className = definition.getBeanClassName();
			if (className == null || !className.startsWith("dev.sessiongateway.")) {
				continue;
			}
			Class<?> type = ClassUtils.resolveClassName(className, beanFactory.getBeanClassLoader());
			if (MergedAnnotations.from(type).isPresent(ConfigurationProperties.class) && !classes.contains(type)) {
				classes.add(type);
			}
		}
		return classes;
	}

	/** Every problem of one group: values that cannot be read, then checks that fail. */
	static List<String> check(Binder binder, Validator validator, Class<?> settings) {
		ConfigurationProperties annotation = MergedAnnotations.from(settings)
			.get(ConfigurationProperties.class)
			.synthesize();
		String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
		SettingsReading reading = new SettingsReading();
		List<String> problems = new ArrayList<>();
		Object bound;
		try {
			bound = binder.bindOrCreate(prefix, Bindable.of(settings)
				.withBindMethod(settings.isRecord() ? BindMethod.VALUE_OBJECT : BindMethod.JAVA_BEAN), reading);
		}
		catch (BindException ex) {
			problems.addAll(reading.unreadable());
			problems.addAll(withoutUnreadable(refusal(prefix, ex), reading.unreadableNames()));
			return problems;
		}
		problems.addAll(reading.unreadable());
		List<String> violations = new ArrayList<>();
		for (ConstraintViolation<Object> violation : validator.validate(bound)) {
			String property = prefix + propertyPath(violation.getPropertyPath());
			violations.add(named(property) + " " + violation.getMessage());
		}
		problems.addAll(withoutUnreadable(violations.stream().sorted().toList(), reading.unreadableNames()));
		return problems;
	}

	/** What a group's own check said, or that it could not be made. */
	private static List<String> refusal(String prefix, BindException ex) {
		Throwable root = ex;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		boolean ours = root.getStackTrace().length > 0
				&& root.getStackTrace()[0].getClassName().startsWith("dev.sessiongateway.");
		if (ours && root.getMessage() != null && root instanceof IllegalArgumentException) {
			return List.of(root.getMessage().split("; ")).stream().map(SettingsCheck::withVariables).toList();
		}
		return List.of(named(prefix) + " could not be read (values not shown)");
	}

	/** Drops what a check says about a value already reported as unreadable. */
	private static List<String> withoutUnreadable(List<String> problems, List<String> unreadable) {
		return problems.stream()
			.filter((problem) -> unreadable.stream()
				.map((name) -> name.replaceFirst("\\[\\d+\\]$", ""))
				.noneMatch((name) -> problem.startsWith(name + " ") || problem.startsWith(name + "[")))
			.toList();
	}

	/** The property a violation is about, below the group's prefix. */
	private static String propertyPath(Path path) {
		StringBuilder property = new StringBuilder();
		for (Path.Node node : path) {
			if (node.isInIterable()) {
				property.append(selector(node));
			}
			if (node.getKind() == ElementKind.PROPERTY && node.getName() != null) {
				property.append('.').append(dashed(node.getName()));
			}
		}
		return property.toString();
	}

	private static String selector(Path.Node node) {
		if (node.getIndex() != null) {
			return "[" + node.getIndex() + "]";
		}
		String key = String.valueOf(node.getKey());
		return key.matches("[a-z0-9-]+") ? "." + key : "[" + key + "]";
	}

	private static String dashed(String camelCase) {
		return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
	}

	/** Every property named in a message, followed by its environment variable. */
	static String withVariables(String message) {
		Matcher matcher = PROPERTY.matcher(message);
		StringBuilder named = new StringBuilder();
		while (matcher.find()) {
			matcher.appendReplacement(named, Matcher.quoteReplacement(named(matcher.group())));
		}
		return matcher.appendTail(named).toString();
	}

	/** A property with the environment variable that sets it. */
	static String named(String property) {
		return property + " (" + environmentVariable(property) + ")";
	}

	/**
	 * The environment variable that sets a property:
	 * {@code gateway.clients[0].key-sha256} is {@code GATEWAY_CLIENTS_0_KEY_SHA256}. The
	 * index of a list of values is left out: the variable takes the whole list,
	 * comma-separated.
	 */
	static String environmentVariable(String property) {
		String name = property.replaceFirst("\\[\\d+\\]$", "");
		return name.replaceAll("\\[([^\\]]+)\\]", "_$1").replaceAll("[.\\-]", "_").toUpperCase(Locale.ROOT);
	}

}
