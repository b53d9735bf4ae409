package dev.sessiongateway.upstream;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import dev.sessiongateway.GatewayTestSupport;
import dev.sessiongateway.tracking.SessionStatus;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Provider answers are not trusted: huge, non-JSON, wrongly shaped, redirecting or
 * credential-naming answers become a clear 502, and nothing unconfirmed is recorded
 * ACTIVE.
 */
class UnsafeProviderAnswersTests extends GatewayTestSupport {

	private static final String PATHORS = "/v1/projects/proj-a/sessions";

	private static final String KONPRO = "/v1/widget/sessions";

	private void assertUnavailable(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
		assertThat(json(response).path("code").asString()).isEqualTo("UPSTREAM_UNAVAILABLE");
	}

	private HttpResponse<String> openPathors() {
		return send("POST", "/pathors" + PATHORS, SERVICE_KEY, "{\"session_id\":\"s-1\"}");
	}

	private HttpResponse<String> openKonpro() {
		return send("POST", "/konpro" + KONPRO, SERVICE_KEY, "{\"agentic_avatar_id\":\"a\"}");
	}

	@Test
	void hugeCreateAnswersAreRefusedAndNeverRecordedActive() {
		String huge = "{\"sessionId\":\"s-1\",\"pad\":\"" + "x".repeat(1100 * 1024) + "\"}";
		pathors.stubFor(post(urlEqualTo(PATHORS)).willReturn(aResponse().withStatus(201).withBody(huge)));
		konpro.stubFor(post(urlEqualTo(KONPRO)).willReturn(aResponse().withStatus(200).withBody(huge)));

		assertUnavailable(openPathors());
		assertThat(onlySession().status()).isEqualTo(SessionStatus.ENDING);

		cleanSlate();
		konpro.stubFor(post(urlEqualTo(KONPRO)).willReturn(aResponse().withStatus(200).withBody(huge)));
		assertUnavailable(openKonpro());
		assertThat(onlySession().status()).isEqualTo(SessionStatus.FAILED);
	}

	@Test
	void wronglyShapedCreateAnswersAreRefused() {
		for (String body : new String[] { "{\"sessionId\":123}", "{\"sessionId\":\"other\"}", "[\"s-1\"]", "\"s-1\"",
				"" }) {
			cleanSlate();
			pathors.stubFor(post(urlEqualTo(PATHORS)).willReturn(aResponse().withStatus(201).withBody(body)));

			assertUnavailable(openPathors());
			assertThat(onlySession().status()).as(body).isNotEqualTo(SessionStatus.ACTIVE);
		}
		for (String body : new String[] { "{\"data\":{\"session_id\":42}}", "{\"data\":{\"session_id\":\"\"}}",
				"{\"data\":{\"session_id\":\"a\\u0000b\"}}", "<html></html>" }) {
			cleanSlate();
			konpro.stubFor(post(urlEqualTo(KONPRO)).willReturn(aResponse().withStatus(200).withBody(body)));

			assertUnavailable(openKonpro());
			assertThat(onlySession().status()).as(body).isEqualTo(SessionStatus.FAILED);
		}
	}

	@Test
	void successfulReadsThatAreNotJsonObjectsAreRefused() {
		pathors.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(200).withBody("<html>login</html>")));
		konpro.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(200).withBody("[1,2]")));
		pathors
			.stubFor(post(urlEqualTo(PATHORS + "/terminate")).willReturn(aResponse().withStatus(200).withBody("ok")));

		assertUnavailable(read("/pathors" + PATHORS + "/s-1", SERVICE_KEY));
		assertUnavailable(read("/konpro" + KONPRO + "/k-1", SERVICE_KEY));
		assertUnavailable(send("POST", "/pathors" + PATHORS + "/terminate", SERVICE_KEY, "{\"session_id\":\"s-1\"}"));
	}

	@Test
	void redirectsAreNotFollowed() {
		pathors.stubFor(get(urlEqualTo(PATHORS + "/s-1"))
			.willReturn(aResponse().withStatus(302).withHeader("Location", pathors.baseUrl() + "/elsewhere")));
		pathors.stubFor(get(urlEqualTo("/elsewhere")).willReturn(aResponse().withStatus(200).withBody("{}")));

		assertUnavailable(read("/pathors" + PATHORS + "/s-1", SERVICE_KEY));
		pathors.verify(1, anyRequestedFor(anyUrl()));
	}

	@Test
	void errorAnswersNamingTheGatewaysCredentialsAreNotPassedOn() {
		pathors.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(400)
			.withBody("{\"error\":{\"message\":\"bad request with key " + PATHORS_KEY + "\"}}")));
		konpro.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(404)
			.withBody("{\"error\":{\"code\":\"RESOURCE_NOT_FOUND\",\"message\":\"no session for " + KONPRO_KEY
					+ "\"}}")));

		HttpResponse<String> fromPathors = read("/pathors" + PATHORS + "/s-1", SERVICE_KEY);
		HttpResponse<String> fromKonpro = read("/konpro" + KONPRO + "/k-1", SERVICE_KEY);

		assertUnavailable(fromPathors);
		assertUnavailable(fromKonpro);
		assertThat(fromPathors.body()).doesNotContain(PATHORS_KEY);
		assertThat(fromKonpro.body()).doesNotContain(KONPRO_KEY);
	}

	@Test
	void errorPagesThatAreNotJsonAreNotPassedOnButStillCount() {
		pathors.stubFor(
				post(urlEqualTo(PATHORS)).willReturn(aResponse().withStatus(201).withBody("{\"sessionId\":\"s-1\"}")));
		openPathors();
		pathors.stubFor(delete(urlEqualTo(PATHORS)).willReturn(
				aResponse().withStatus(404).withBody("<html>nginx 1.2 on internal-lb-7.corp: not found</html>")));

		HttpResponse<String> response = send("DELETE", "/pathors" + PATHORS, SERVICE_KEY, "{\"session_id\":\"s-1\"}");

		assertUnavailable(response);
		assertThat(response.body()).doesNotContain("internal-lb-7");
		assertThat(onlySession().status()).isEqualTo(SessionStatus.ENDED);
	}

}
