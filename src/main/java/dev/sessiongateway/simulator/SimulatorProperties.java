package dev.sessiongateway.simulator;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings under {@code gateway.simulators}: the switch that runs the gateway against
 * simulated providers, and where the simulators are.
 *
 * @param enabled run against simulated Pathors and Konpro with demo keys (and, unless
 * clients are configured, the demo callers {@code demo-service-key} and
 * {@code demo-ops-key}) instead of the real providers; refused together with a provider
 * URL or key of one's own
 * @param url the simulators that {@code java -jar session-gateway.jar simulators} serves,
 * as {@code http://host:port}, for replicas that must see the same sessions; unset, the
 * gateway serves simulators of its own
 * @param address the address the simulators listen on
 * @param port the port the simulators listen on: in the {@code simulators} mode 8090 when
 * unset, in the gateway's own process any free port
 */
@Validated
@ConfigurationProperties("gateway.simulators")
record SimulatorProperties(boolean enabled,
		@Pattern(regexp = "https?://[^\\s/?#@]+/?",
				message = "must be an http URL with no path, such as http://simulators:8090") @Nullable String url,
		@DefaultValue("127.0.0.1") @NotBlank String address, @Min(0) @Max(65535) @Nullable Integer port) {

	/** The port of the {@code simulators} mode when none is set. */
	static final int SERVING_PORT = 8090;

}
