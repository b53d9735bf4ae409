package dev.sessiongateway;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.BindMethod;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.ClassUtils;
import org.springframework.validation.Errors;
import org.springframework.validation.FieldError;
import org.springframework.validation.MapBindingResult;
import org.springframework.validation.ObjectError;
import org.springframework.validation.SmartValidator;
import org.springframework.validation.Validator;

/**
 * Checks every group of {@code gateway.*} settings before any bean is made, and refuses
 * to start with one message that names every problem of every group at once, each with
 * the environment variable that sets it. No value it was given is shown, but for the
 * durations a check compares: a key pasted in the wrong place must not end up in a log.
 * Each group is found from its {@code @ConfigurationProperties} record, so a new group is
 * checked with no change here.
 * <p>
 * A group is read as Spring Boot will read it (with the same bind handler advisors; as
 * they are made here, before any other bean, each is declared by a static {@code @Bean}
 * method that needs nothing but its arguments), then checked by its Bean Validation
 * constraints and, when the record is a Spring {@link Validator}, by its own check. That
 * check names each problem's property in {@link Errors}: the field is the property below
 * the group's prefix as it is configured ({@code clients[0].key-sha256[1]}), and each of
 * the problem's arguments is another property it names, below the same prefix
 * ({@code {0}} in the message). A {@link SmartValidator} is also given every other group
 * that could be read, for checks that hold one group to another.
 */
@Component
class SettingsCheck implements BeanFactoryPostProcessor, EnvironmentAware {

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
		List<ConfigurationPropertiesBindHandlerAdvisor> advisors = beanFactory
			.getBeanProvider(ConfigurationPropertiesBindHandlerAdvisor.class)
			.orderedStream()
			.toList();
		List<Reading> readings = settingsClasses(beanFactory).stream()
			.map((settings) -> read(binder, advisors, settings))
			.toList();
		Object[] groups = readings.stream().allMatch((reading) -> reading.bound() != null)
				? readings.stream().map(Reading::bound).toArray() : new Object[0];
		List<String> problems = new ArrayList<>();
		try (ValidatorFactory validation = Validation.buildDefaultValidatorFactory()) {
			for (Reading reading : readings) {
				problems.addAll(reading.problems(validation.getValidator(), groups));
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

	/** Reads one group, noting each value that cannot be read. */
	private static Reading read(Binder binder, List<ConfigurationPropertiesBindHandlerAdvisor> advisors,
			Class<?> settings) {
		ConfigurationProperties annotation = MergedAnnotations.from(settings)
			.get(ConfigurationProperties.class)
			.synthesize();
		String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
		SettingsReading reading = new SettingsReading();
		BindHandler handler = reading;
		for (ConfigurationPropertiesBindHandlerAdvisor advisor : advisors) {
			handler = advisor.apply(handler);
		}
		Object bound;
		try {
			bound = binder.bindOrCreate(prefix, Bindable.of(settings)
				.withBindMethod(settings.isRecord() ? BindMethod.VALUE_OBJECT : BindMethod.JAVA_BEAN), handler);
		}
		catch (BindException ex) {
			bound = null;
		}
		return new Reading(prefix, bound, reading);
	}

	/**
	 * One group as it was read: the settings, or null when they could not be made, and
	 * the values that could not be read.
	 */
	private record Reading(String prefix, @Nullable Object bound, SettingsReading reading) {

		/**
		 * Every problem of the group: values that cannot be read, then checks that fail.
		 */
		List<String> problems(jakarta.validation.Validator validator, Object[] groups) {
			List<String> problems = new ArrayList<>(this.reading.unreadable());
			if (this.bound == null) {
				problems.add(named(this.prefix) + " could not be read (values not shown)");
				return problems;
			}
			List<Problem> checked = new ArrayList<>();
			for (ConstraintViolation<Object> violation : validator.validate(this.bound)) {
				String property = this.prefix + propertyPath(violation.getPropertyPath());
				checked.add(new Problem(property, named(property) + " " + violation.getMessage()));
			}
			if (this.bound instanceof Validator own && own.supports(this.bound.getClass())) {
				Errors errors = new MapBindingResult(new HashMap<>(), this.prefix);
				if (own instanceof SmartValidator smart) {
					smart.validate(this.bound, errors, groups);
				}
				else {
					own.validate(this.bound, errors);
				}
				errors.getAllErrors().forEach((error) -> checked.add(problem(this.prefix, error)));
			}
			checked.stream()
				.filter((problem) -> !aboutUnreadable(problem, this.reading.unreadableNames()))
				.map(Problem::text)
				.sorted()
				.forEach(problems::add);
			return problems;
		}

	}

	/** A problem, and the property it is about (null when it is about the group). */
	private record Problem(@Nullable String property, String text) {
	}

	/** A problem a group's own check reported. */
	private static Problem problem(String prefix, ObjectError error) {
		String message = String.valueOf(error.getDefaultMessage());
		Object[] arguments = (error.getArguments() != null) ? error.getArguments() : new Object[0];
		for (int i = 0; i < arguments.length; i++) {
			message = message.replace("{" + i + "}", named(prefix + "." + arguments[i]));
		}
		if (error instanceof FieldError field) {
			String property = prefix + "." + field.getField();
			return new Problem(property, named(property) + " " + message);
		}
		return new Problem(null, message);
	}

	/** Whether a problem is about a value already reported as unreadable. */
	private static boolean aboutUnreadable(Problem problem, List<String> unreadable) {
		String property = problem.property();
		return property != null && unreadable.stream()
			.map((name) -> name.replaceFirst("\\[\\d+\\]$", ""))
			.anyMatch((name) -> property.equals(name) || property.startsWith(name + "[")
					|| property.startsWith(name + "."));
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
