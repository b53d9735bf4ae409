package dev.sessiongateway.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The switch {@code gateway.simulators.enabled}: before any setting is read, points both
 * providers at simulators with their demo keys (the gateway's own, on a free port of
 * 127.0.0.1, or the shared ones at {@code gateway.simulators.url}), and gives the demo's
 * webhook secret, idempotency secret and callers unless others are configured. Refuses to
 * start when a provider URL or key is configured as well, naming each, never its value:
 * the switch never runs with anything real. Does nothing when the switch is off.
 */
class SimulatedProviders implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	static final String DEMO_SERVICE_KEY = "demo-service-key";

	static final String DEMO_OPS_KEY = "demo-ops-key";

	static final String DEMO_WEBHOOK_SECRET = "demo-webhook-secret";

	/**
	 * The demo's key for the answers kept with idempotency keys: obviously not a secret,
	 * as nothing real passes through the simulators; the same on every replica.
	 */
	static final String DEMO_IDEMPOTENCY_SECRET = "demo-idempotency-secret-not-a-real-secret";

	private static final Log logger = LogFactory.getLog(SimulatedProviders.class);

	private static final String PATHORS_URL = "gateway.pathors.base-url";

	private static final String PATHORS_KEY = "gateway.pathors.api-key";

	private static final String KONPRO_URL = "gateway.konpro.base-url";

	private static final String KONPRO_KEY = "gateway.konpro.api-key";

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		ConfigurableEnvironment environment = context.getEnvironment();
		SimulatorProperties settings = settings(environment);
		if (settings == null || !settings.enabled()) {
			return;
		}
		String shared = (settings.url() != null) ? settings.url().replaceFirst("/$", "") : null;
		List<String> problems = new ArrayList<>(invalid(settings));
		problems.addAll(ConfiguredSettings.beside(environment, providers(shared)));
		if (!problems.isEmpty()) {
			throw new SimulatorSettingsException(problems.stream().sorted().toList());
		}
		Simulators own = null;
		if (shared == null) {
			own = Simulators.bind(settings.address(), (settings.port() != null) ? settings.port() : 0);
			context.getBeanFactory().registerSingleton("simulators", own);
			if (context.getBeanFactory() instanceof DefaultListableBeanFactory beans) {
				// closed as well when the context fails before it starts
				beans.registerDisposableBean("simulators", own::close);
			}
		}
		Map<String, @Nullable String> providers = providers((own != null) ? own.baseUrl() : shared);
		boolean clientsConfigured = ConfiguredSettings.clients(environment);
		environment.getPropertySources().addFirst(new MapPropertySource("simulated providers", Map.copyOf(providers)));
		environment.getPropertySources().addLast(new MapPropertySource("simulated providers' demo callers", demo()));
		logger.info("Providers are simulated (gateway.simulators.enabled): Pathors at " + providers.get(PATHORS_URL)
				+ " and Konpro at " + providers.get(KONPRO_URL) + ", "
				+ ((own != null) ? "served by this process" : "served at gateway.simulators.url")
				+ " with demo keys; no real provider is called. Callers: "
				+ (clientsConfigured ? "the configured clients."
						: "the demo's, demo-service (sessions) and demo-ops (ops).")
				+ ((own != null && shareable(environment))
						? " Replicas sharing this database must share simulators too (java -jar session-gateway.jar "
								+ "simulators, and gateway.simulators.url on each), or each takes the sessions "
								+ "opened through another for ended."
						: ""));
	}

	/** A database other than H2, which other replicas may share. */
	private static boolean shareable(ConfigurableEnvironment environment) {
		String url = environment.getProperty("spring.datasource.url");
		return url != null && !url.startsWith("jdbc:h2:");
	}

	/**
	 * The switch's settings, or {@code null} when one cannot be read (the start-up report
	 * names it, and the gateway does not start).
	 */
	private static @Nullable SimulatorProperties settings(ConfigurableEnvironment environment) {
		try {
			return Binder.get(environment)
				.bind("gateway.simulators", Bindable.of(SimulatorProperties.class))
				.orElse(null);
		}
		catch (BindException ex) {
			return null;
		}
	}

	private static List<String> invalid(SimulatorProperties settings) {
		List<String> problems = new ArrayList<>();
		try (ValidatorFactory validation = Validation.buildDefaultValidatorFactory()) {
			for (ConstraintViolation<SimulatorProperties> violation : validation.getValidator().validate(settings)) {
				String property = "gateway.simulators." + dashed(violation.getPropertyPath().toString());
				problems.add(ConfiguredSettings.named(property) + " " + violation.getMessage());
			}
		}
		return problems.stream().sorted().toList();
	}

	/**
	 * What the switch sets, above every other setting, for simulators served at a base
	 * URL; without it (simulators of this process, not bound yet) the URLs are unknown.
	 */
	private static Map<String, @Nullable String> providers(@Nullable String served) {
		Map<String, @Nullable String> providers = new LinkedHashMap<>();
		providers.put(PATHORS_URL, (served != null) ? served + Simulators.PATHORS_PATH : null);
		providers.put(PATHORS_KEY, Simulators.PATHORS_KEY);
		providers.put(KONPRO_URL, (served != null) ? served + Simulators.KONPRO_PATH : null);
		providers.put(KONPRO_KEY, Simulators.KONPRO_KEY);
		return providers;
	}

	/**
	 * What the switch gives when nothing else does: the demo's secrets and callers.
	 */
	private static Map<String, Object> demo() {
		Map<String, Object> demo = new LinkedHashMap<>();
		demo.put("gateway.pathors.webhook-secret", DEMO_WEBHOOK_SECRET);
		demo.put("gateway.idempotency.secret", DEMO_IDEMPOTENCY_SECRET);
		demo.put("gateway.clients[0].name", "demo-service");
		demo.put("gateway.clients[0].key-sha256", sha256(DEMO_SERVICE_KEY));
		demo.put("gateway.clients[0].roles", "sessions");
		demo.put("gateway.clients[0].pathors-projects", "*");
		demo.put("gateway.clients[0].konpro", "true");
		demo.put("gateway.clients[1].name", "demo-ops");
		demo.put("gateway.clients[1].key-sha256", sha256(DEMO_OPS_KEY));
		demo.put("gateway.clients[1].roles", "ops");
		return demo;
	}

	private static String dashed(String camelCase) {
		return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
	}

	static String sha256(String key) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

}
