package dev.sessiongateway;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.SpringApplication;

import dev.sessiongateway.simulator.KonproSimulator;
import dev.sessiongateway.simulator.PathorsSimulator;

/**
 * The demo ({@code ./mvnw spring-boot:test-run}): the gateway with simulated Pathors and
 * Konpro on local ports, an in-memory database and the demo callers
 * {@code demo-service-key} and {@code demo-ops-key}. Test code only: none of it ships in
 * the jar.
 */
public final class TestSessionGatewayApplication {

	private TestSessionGatewayApplication() {
	}

	public static void main(String[] args) {
		PathorsSimulator pathors = new PathorsSimulator(0, "dk_demo_not_a_real_key").start();
		KonproSimulator konpro = new KonproSimulator(0, "demo-konpro-not-a-real-key").start();
		List<String> arguments = new ArrayList<>(List.of(args));
		arguments.add("--gateway.pathors.base-url=" + pathors.baseUrl());
		arguments.add("--gateway.konpro.base-url=" + konpro.baseUrl());
		SpringApplication.from(SessionGatewayApplication::main)
			.withAdditionalProfiles("demo")
			.run(arguments.toArray(String[]::new));
	}

}
