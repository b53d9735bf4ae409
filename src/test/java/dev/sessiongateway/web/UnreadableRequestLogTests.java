package dev.sessiongateway.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.sessiongateway.SessionGatewayApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests the servlet container cannot read (a request line, a header or a Host it
 * refuses, parameters that are not percent-encoded UTF-8 or too many of them, a form body
 * no route reads) are answered with a problem and leave no stack trace in the log, and
 * none of their own text: that text is the attacker's, and a header line can carry a
 * client key. The gateway runs with its own logging (INFO), as the jar does, and Tomcat
 * is told to log every occurrence of a refused request at INFO rather than only the first
 * on each connection handler, so that each request here would show up.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnreadableRequestLogTests {

	private static final String SERVICE_KEY = "unreadable-test-service-key";

	private static final String OPS_KEY = "unreadable-test-ops-key";

	private static final Pattern STACK_FRAME = Pattern.compile("^\\s+at [\\w$.]+\\(.*");

	private static final Pattern EXCEPTION_LINE = Pattern
		.compile("^(Caused by: )?[a-z][\\w$]*(\\.[\\w$]+)+(Exception|Error)(: .*)?$");

	private static final String TOMCAT_LOGGING = "org.apache.juli.logging.UserDataHelper.CONFIG";

	@Test
	void requestsTheContainerCannotParseLeaveNoStackTraceAndNoneOfTheirText(CapturedOutput output) {
		List<String> answers = exchangeWithGateway("GET /ops/assets/..\\sessions HTTP/1.1\r\nHost: localhost\r\n",
				"GET /ops/ HTTP/1.1\r\nHost: evil host.example\r\n",
				"GET /ops/sessions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + OPS_KEY + "\u0001\r\n",
				"G@T /ops/sessions HTTP/1.1\r\nHost: localhost\r\n",
				"GET /ops/" + "x".repeat(9000) + "-long-path HTTP/1.1\r\nHost: localhost\r\n");

		assertThat(answers).map(UnreadableRequestLogTests::status).containsOnly("400");
		assertNoStackTrace(output);
		assertThat(output.getAll()).doesNotContain("..\\sessions")
			.doesNotContain("evil host")
			.doesNotContain(OPS_KEY)
			.doesNotContain("G@T")
			.doesNotContain("-long-path");
	}

	@Test
	void parametersThatCannotBeReadAreRefusedWithoutAStackTrace(CapturedOutput output) {
		List<String> answers = exchangeWithGateway(
				"GET /actuator/health/liveness?a=%zz-bad-query HTTP/1.1\r\nHost: localhost\r\n",
				"GET /ops/sessions?a=%zz-bad-query HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + OPS_KEY
						+ "\r\n",
				"GET /actuator/health/liveness?" + manyParameters(1001) + " HTTP/1.1\r\nHost: localhost\r\n",
				formDelete(null), formDelete(SERVICE_KEY));

		assertThat(answers).map(UnreadableRequestLogTests::status).containsExactly("400", "400", "400", "401", "415");
		assertThat(answers.subList(0, 3)).allSatisfy((answer) -> assertThat(answer).contains("application/problem+json")
			.contains("\"code\":\"VALIDATION_FAILED\"")
			.contains("{\"field\":\"query\""));
		assertNoStackTrace(output);
		assertThat(output.getAll()).doesNotContain("bad-query").doesNotContain("bad-form").doesNotContain("a1000");
	}

	/**
	 * Starts the gateway, sends each request on a connection of its own, stops the
	 * gateway and returns the answers.
	 */
	private static List<String> exchangeWithGateway(String... requests) {
		String tomcatLogging = System.setProperty(TOMCAT_LOGGING, "INFO_ALL");
		List<String> answers = new ArrayList<>();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SessionGatewayApplication.class).run(
				"--spring.datasource.url=jdbc:h2:mem:unreadable", "--server.port=0",
				"--gateway.pathors.api-key=dk_unreadable", "--gateway.konpro.api-key=unreadable-key",
				"--gateway.clients[0].name=svc", "--gateway.clients[0].key-sha256=" + sha256(SERVICE_KEY),
				"--gateway.clients[0].roles=sessions", "--gateway.clients[1].name=ops",
				"--gateway.clients[1].key-sha256=" + sha256(OPS_KEY), "--gateway.clients[1].roles=ops")) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			for (String request : requests) {
				answers.add(exchange(port, request));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		finally {
			if (tomcatLogging != null) {
				System.setProperty(TOMCAT_LOGGING, tomcatLogging);
			}
			else {
				System.clearProperty(TOMCAT_LOGGING);
			}
		}
		return answers;
	}

	private static void assertNoStackTrace(CapturedOutput output) {
		assertThat(output.getAll().lines()).noneMatch((line) -> STACK_FRAME.matcher(line).matches())
			.noneMatch((line) -> EXCEPTION_LINE.matcher(line).matches());
	}

	/** Sends one request on a connection of its own and reads the whole answer. */
	private static String exchange(int port, String request) throws IOException {
		String whole = request.contains("\r\n\r\n") ? request : request + "\r\n";
		whole = whole.replaceFirst("\r\n", "\r\nConnection: close\r\n");
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(whole.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
		}
	}

	/** A DELETE with a form body that cannot be decoded, which no route reads. */
	private static String formDelete(String key) {
		String body = "a=%zz-bad-form";
		return "DELETE /pathors/v1/projects/proj-a/sessions HTTP/1.1\r\nHost: localhost\r\n"
				+ ((key != null) ? "Authorization: Bearer " + key + "\r\n" : "")
				+ "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length() + "\r\n\r\n"
				+ body;
	}

	private static String status(String answer) {
		return answer.startsWith("HTTP/1.1 ") ? answer.substring(9, 12) : answer;
	}

	private static String manyParameters(int count) {
		StringBuilder query = new StringBuilder();
		for (int i = 0; i < count; i++) {
			query.append((i > 0) ? "&" : "").append('a').append(i).append("=1");
		}
		return query.toString();
	}

	private static String sha256(String key) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
