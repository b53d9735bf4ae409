package dev.sessiongateway;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The settings that put ends first and hold each client to its share of a provider's
 * request budget are checked at start-up, and listed with every other problem.
 */
class BudgetSettingsTests {

	private static final String HASH = "b606c5f8627d02065f5ad082858a7612189f77631976c9a5212f4b5d8aa0466a";

	private static List<String> with(String... more) {
		List<String> properties = new ArrayList<>(List.of("spring.datasource.url=jdbc:h2:mem:budget-settings",
				"server.port=0", "gateway.pathors.api-key=dk_startup", "gateway.konpro.api-key=startup-key",
				"gateway.clients[0].name=svc", "gateway.clients[0].key-sha256=" + HASH,
				"gateway.clients[0].roles=sessions", "gateway.clients[0].konpro=true"));
		properties.addAll(List.of(more));
		return properties;
	}

	private static String startupFailure(List<String> properties) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SessionGatewayApplication.class)
			.web(WebApplicationType.SERVLET)
			.run(properties.stream().map((property) -> "--" + property).toArray(String[]::new))) {
			return null;
		}
		catch (RuntimeException ex) {
			StringBuilder messages = new StringBuilder();
			for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
				messages.append(cause.getMessage()).append('\n');
			}
			return messages.toString();
		}
	}

	@Test
	void startsWithSharesOfItsOwn() {
		assertThat(startupFailure(with("gateway.konpro.end-share=0.2", "gateway.pathors.rate-limit-per-minute=100",
				"gateway.pathors.end-share=0.9", "gateway.clients[0].limits.konpro.budget-share=0.6")))
			.isNull();
	}

	@Test
	void refusesAnEndShareThatIsNotAFractionOfTheBudget() {
		assertThat(startupFailure(with("gateway.konpro.end-share=1", "gateway.pathors.end-share=0")))
			.contains("The gateway's settings have 2 problems")
			.contains("gateway.konpro.end-share (GATEWAY_KONPRO_END_SHARE) must be more than 0 and less than 1: the "
					+ "fraction of rate-limit-per-minute that only ends may use")
			.contains("gateway.pathors.end-share (GATEWAY_PATHORS_END_SHARE) must be more than 0 and less than 1");
		assertThat(startupFailure(with("gateway.konpro.end-share=half")))
			.contains("gateway.konpro.end-share (GATEWAY_KONPRO_END_SHARE) must be a number such as 0.5");
	}

	@Test
	void refusesAnEndShareThatLeavesOpensAndReadsNoRequest() {
		assertThat(startupFailure(with("gateway.konpro.rate-limit-per-minute=1")))
			.contains("The gateway's settings have 1 problem")
			.contains("gateway.konpro.end-share (GATEWAY_KONPRO_END_SHARE) keeps every request of "
					+ "gateway.konpro.rate-limit-per-minute (GATEWAY_KONPRO_RATE_LIMIT_PER_MINUTE) for ends, leaving "
					+ "opens and reads none: lower it, or raise gateway.konpro.rate-limit-per-minute");
		assertThat(startupFailure(with("gateway.konpro.rate-limit-per-minute=2"))).as("1 each").isNull();
	}

	@Test
	void refusesABudgetShareThatIsNotAFractionOrNamesNoProvider() {
		assertThat(startupFailure(with("gateway.clients[0].limits.konpro.budget-share=0",
				"gateway.clients[0].limits.pathors.budget-share=1.5",
				"gateway.clients[0].limits.konrpo.budget-share=0.5")))
			.contains("The gateway's settings have 3 problems")
			.contains("gateway.clients[0].limits.konpro.budget-share (GATEWAY_CLIENTS_0_LIMITS_KONPRO_BUDGET_SHARE) "
					+ "must be more than 0 and at most 1: the fraction of the provider's request budget for opens "
					+ "and reads that this client's opens may use")
			.contains("gateway.clients[0].limits.pathors.budget-share (GATEWAY_CLIENTS_0_LIMITS_PATHORS_BUDGET_SHARE) "
					+ "must be more than 0 and at most 1")
			.contains("gateway.clients[0].limits.konrpo (GATEWAY_CLIENTS_0_LIMITS_KONRPO) names no provider "
					+ "(known: konpro, pathors)");
		assertThat(startupFailure(with("gateway.clients[0].limits.konpro.budget-share=most")))
			.contains("gateway.clients[0].limits.konpro.budget-share (GATEWAY_CLIENTS_0_LIMITS_KONPRO_BUDGET_SHARE) "
					+ "must be a number such as 0.5");
	}

}
