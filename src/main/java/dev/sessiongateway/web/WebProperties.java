package dev.sessiongateway.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Web settings under {@code gateway.web}.
 *
 * @param maxRequestSize larger request bodies are refused with 413
 * ({@link RequestSizeFilter})
 */
@ConfigurationProperties("gateway.web")
record WebProperties(@DefaultValue("256KB") DataSize maxRequestSize) {

}
