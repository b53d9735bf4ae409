package dev.sessiongateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.handler.IgnoreTopLevelConverterNotFoundBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.convert.ConversionFailedException;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.util.unit.DataSize;

/**
 * Reads one group of settings without stopping at the first value it cannot read: each
 * such value is noted (with what it should look like, never what it is) and left to its
 * default, so that the group's other problems are found in the same start.
 */
final class SettingsReading extends IgnoreTopLevelConverterNotFoundBindHandler {

	private final Map<String, String> unreadable = new LinkedHashMap<>();

	@Override
	public @Nullable Object onFailure(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
			Exception error) throws Exception {
		if (error instanceof BindException) {
			throw error;
		}
		ConversionFailedException conversion = conversionFailure(error);
		if (conversion == null) {
			return super.onFailure(name, target, context, error);
		}
		String property = name.toString();
		this.unreadable.putIfAbsent(property, SettingsCheck.named(property) + " "
				+ expectation(elementType(conversion.getTargetType())) + " (value not shown)");
		return null;
	}

	/** The problems of the values that could not be read. */
	List<String> unreadable() {
		return new ArrayList<>(this.unreadable.values());
	}

	/** The properties whose values could not be read. */
	List<String> unreadableNames() {
		return new ArrayList<>(this.unreadable.keySet());
	}

	private static @Nullable ConversionFailedException conversionFailure(Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof ConversionFailedException conversion) {
				return conversion;
			}
		}
		return null;
	}

	private static Class<?> elementType(TypeDescriptor type) {
		TypeDescriptor element = (type.isCollection() || type.isArray()) ? type.getElementTypeDescriptor() : null;
		return (element != null) ? element.getType() : type.getType();
	}

	private static String expectation(Class<?> type) {
		if (type.isEnum()) {
			List<String> names = new ArrayList<>();
			for (Object constant : type.getEnumConstants()) {
				names.add(((Enum<?>) constant).name().toLowerCase(Locale.ROOT));
			}
			return "must be one of " + String.join(", ", names);
		}
		if (type == Duration.class) {
			return "must be a duration such as 500ms, 30s, 5m, 2h or 30d";
		}
		if (type == DataSize.class) {
			return "must be a size such as 256KB or 1MB";
		}
		if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
			return "must be a whole number";
		}
		if (type == double.class || type == Double.class) {
			return "must be a number such as 0.5";
		}
		if (type == boolean.class || type == Boolean.class) {
			return "must be true or false";
		}
		return "cannot be read as " + type.getSimpleName();
	}

}
