package dev.sessiongateway.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.sessiongateway.GatewayTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's page and assets come from the gateway itself, need no sign-in (its data
 * does), load nothing from elsewhere, keep nothing in the browser's storage, and are
 * served under a policy that lets them load only the gateway's own files.
 */
class ConsoleAssetsTests extends GatewayTestSupport {

	private static final HttpClient http = HttpClient.newHttpClient();

	private HttpResponse<String> get(String path) {
		try {
			return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
					HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void theConsolePageAndItsAssetsArePublicAndLockedDown() throws IOException {
		HttpResponse<String> page = get("/ops/");
		HttpResponse<String> script = get("/ops/assets/console.js");
		HttpResponse<String> bare = get("/ops");

		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/html"));
		assertThat(page.body()).contains("<title>Ops console").doesNotContain("http://").doesNotContain("https://");
		assertThat(page.headers().firstValue("Content-Security-Policy"))
			.hasValueSatisfying((policy) -> assertThat(policy).contains("default-src 'none'")
				.contains("script-src 'self'")
				.contains("frame-ancestors 'none'"));
		assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
		assertThat(script.statusCode()).isEqualTo(200);
		assertThat(bare.statusCode()).isEqualTo(302);
		assertThat(bare.headers().firstValue("Location"))
			.hasValueSatisfying((location) -> assertThat(location).endsWith("/ops/"));
		List<String> assets = new ArrayList<>(List.of("index.html"));
		try (Stream<Path> files = Files.list(Path.of("src/main/resources/static/ops/assets"))) {
			files.forEach((file) -> assets.add("assets/" + file.getFileName()));
		}
		assertThat(assets).contains("assets/console.js", "assets/console.css");
		for (String asset : assets) {
			HttpResponse<String> served = get("/ops/" + asset);
			assertThat(served.statusCode()).as(asset).isEqualTo(200);
			String text = served.body();
			assertThat(text).as(asset).doesNotContainPattern("(src|href|url\\()\\s*=?\\s*[\"']?(https?:)?//");
			assertThat(text).as(asset).doesNotContain("localStorage").doesNotContain("sessionStorage");
		}
	}

	@Test
	void theConsolesDataNeedsASignInOrAnOpsKey() {
		assertProblem(read("/ops/sessions", null), 401, "UNAUTHENTICATED");
		assertProblem(read("/ops/sessions/stats", null), 401, "UNAUTHENTICATED");
		assertProblem(read("/ops/console/session", null), 401, "UNAUTHENTICATED");
		assertThat(read("/ops/index.html", null).statusCode()).isEqualTo(200);
		assertThat(read("/ops/assets/favicon.svg", null).statusCode()).isEqualTo(200);
	}

}
