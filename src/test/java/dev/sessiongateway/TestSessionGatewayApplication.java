package dev.sessiongateway;

import sun.misc.Signal;

import org.springframework.boot.SpringApplication;

/**
 * The demo ({@code ./mvnw spring-boot:test-run}): the gateway against its simulated
 * providers ({@code gateway.simulators.enabled}, with the demo callers
 * {@code demo-service-key} and {@code demo-ops-key}) on an in-memory database, as
 * {@code application-demo.yml} sets it.
 * <p>
 * Stopped with SIGTERM, as with Ctrl-C, it closes and ends with status 0: the JVM's own
 * status for SIGTERM (143) is what {@code spring-boot:test-run} reports as a
 * {@code BUILD FAILURE}, while it takes 0 and Ctrl-C's 130 for a clean stop.
 */
public final class TestSessionGatewayApplication {

	private TestSessionGatewayApplication() {
	}

	public static void main(String[] args) {
		Signal.handle(new Signal("TERM"), (signal) -> System.exit(0));
		SpringApplication.from(SessionGatewayApplication::main).withAdditionalProfiles("demo").run(args);
	}

}
