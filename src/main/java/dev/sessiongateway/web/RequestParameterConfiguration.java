package dev.sessiongateway.web;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.TypeMismatchException;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.convert.converter.ConverterFactory;
import org.springframework.format.FormatterRegistry;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * How request parameters are read: a value naming an enum constant (a status filter) is
 * read whatever its case, as names (a provider filter) are.
 */
@Configuration(proxyBeanMethods = false)
class RequestParameterConfiguration implements WebMvcConfigurer {

	@Override
	public void addFormatters(FormatterRegistry registry) {
		registry.addConverterFactory(new CaseInsensitiveEnums());
	}

	/**
	 * The constants a parameter of an enum type (or an array or collection of one) may
	 * take, so that a refusal can list them; null for any other type.
	 */
	static Object @Nullable [] enumConstants(TypeMismatchException ex) {
		Class<?> type = ex.getRequiredType();
		if (ex instanceof MethodArgumentTypeMismatchException mismatch) {
			ResolvableType parameter = ResolvableType.forMethodParameter(mismatch.getParameter());
			type = parameter.isArray() ? parameter.getComponentType().resolve()
					: (parameter.asCollection() != ResolvableType.NONE) ? parameter.asCollection().resolveGeneric(0)
							: parameter.resolve();
		}
		return (type != null && type.isEnum()) ? type.getEnumConstants() : null;
	}

	/** Reads {@code active}, {@code Active} and {@code ACTIVE} alike. */
	@SuppressWarnings({ "rawtypes", "unchecked" })
	static final class CaseInsensitiveEnums implements ConverterFactory<String, Enum> {

		@Override
		public <T extends Enum> Converter<String, T> getConverter(Class<T> targetType) {
			Class<?> type = targetType;
			while (type != null && !type.isEnum()) {
				type = type.getSuperclass();
			}
			if (type == null) {
				throw new IllegalArgumentException(targetType + " is not an enum");
			}
			Class<T> enumType = (Class<T>) type;
			return (source) -> constant(enumType, source);
		}

		private static <T extends Enum> @Nullable T constant(Class<T> type, String source) {
			String text = source.trim();
			if (text.isEmpty()) {
				return null;
			}
			for (T constant : type.getEnumConstants()) {
				if (constant.name().equalsIgnoreCase(text)) {
					return constant;
				}
			}
			throw new IllegalArgumentException("not a constant of " + type.getSimpleName());
		}

	}

}
