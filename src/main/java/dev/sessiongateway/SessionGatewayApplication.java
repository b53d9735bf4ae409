package dev.sessiongateway;

import java.time.Clock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/**
 * session-gateway: opens and ends conversation sessions at Pathors and Konpro for
 * internal services, and tracks every one of them.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SessionGatewayApplication {

	public static void main(String[] args) {
		SpringApplication.run(SessionGatewayApplication.class, args);
	}

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

}
