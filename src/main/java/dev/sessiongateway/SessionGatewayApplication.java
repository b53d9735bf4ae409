package dev.sessiongateway;

import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import dev.sessiongateway.simulator.Simulators;

/**
 * session-gateway: opens and ends conversation sessions at Pathors and Konpro for
 * internal services, and tracks every one of them.
 */
@SpringBootApplication
public class SessionGatewayApplication {

	/**
	 * Starts the gateway; with {@code simulators} as the first argument, only the
	 * simulated providers that replicas started with {@code gateway.simulators.url}
	 * share.
	 */
	public static void main(String[] args) {
		if (args.length > 0 && args[0].equals(Simulators.MODE)) {
			Simulators.serve(Arrays.copyOfRange(args, 1, args.length));
			return;
		}
		SpringApplication.run(SessionGatewayApplication.class, args);
	}

}
