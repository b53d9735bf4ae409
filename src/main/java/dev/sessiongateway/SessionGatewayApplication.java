package dev.sessiongateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * session-gateway: opens and ends conversation sessions at Pathors and Konpro for
 * internal services, and tracks every one of them.
 */
@SpringBootApplication
public class SessionGatewayApplication {

	public static void main(String[] args) {
		SpringApplication.run(SessionGatewayApplication.class, args);
	}

}
