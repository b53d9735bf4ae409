package dev.sessiongateway.ops;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Serves the ops console at {@code /ops/}: a static page with its scripts and styles
 * ({@code static/ops} in the jar) over the ops routes, needing no server of its own and
 * nothing from the internet.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleConfiguration implements WebMvcConfigurer {

	@Override
	public void addViewControllers(ViewControllerRegistry registry) {
		registry.addRedirectViewController("/ops", "/ops/");
		registry.addViewController("/ops/").setViewName("forward:/ops/index.html");
	}

}
