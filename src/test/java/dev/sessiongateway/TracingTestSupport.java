package dev.sessiongateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole gateway with every trace sampled and its spans handed, as each ends, to an
 * in-memory exporter that a test reads.
 */
@TestPropertySource(properties = "management.tracing.sampling.probability=1.0")
@Import(TracingTestSupport.InMemorySpans.class)
public abstract class TracingTestSupport extends GatewayTestSupport {

	/** Every span that ended, in the order they ended. */
	protected static final InMemorySpanExporter spans = InMemorySpanExporter.create();

	/** Values that must never be part of a span: the credentials, and these markers. */
	protected static final List<String> NEVER_IN_A_SPAN = java.util.stream.Stream
		.concat(SECRETS.stream(), java.util.stream.Stream.of("VARIABLE_MARKER_d41c", "TOKEN_MARKER_a7e2"))
		.toList();

	@BeforeEach
	void noSpansYet() {
		spans.reset();
	}

	/**
	 * Waits until a span that matches has ended, and returns every span ended by then.
	 */
	protected static List<SpanData> spansOnce(Predicate<SpanData> ended) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (spans.getFinishedSpanItems().stream().noneMatch(ended) && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		List<SpanData> all = spans.getFinishedSpanItems();
		assertThat(all).as("spans ended").anyMatch(ended);
		return all;
	}

	/** The only span with this name and these attributes. */
	protected static SpanData only(List<SpanData> all, String name, Map<String, String> attributes) {
		List<SpanData> found = all.stream()
			.filter((span) -> span.getName().equals(name))
			.filter((span) -> attributes.entrySet()
				.stream()
				.allMatch((entry) -> entry.getValue()
					.equals(span.getAttributes().get(AttributeKey.stringKey(entry.getKey())))))
			.toList();
		assertThat(found).as("%s %s in %s", name, attributes, describe(all)).hasSize(1);
		return found.getFirst();
	}

	/** Fails when a span's name or one of its attributes holds a value it must not. */
	protected static void assertNothingSecretIn(List<SpanData> all) {
		for (SpanData span : all) {
			String text = span.getName() + " " + span.getAttributes() + " " + span.getEvents()
					+ span.getResource().getAttributes();
			for (String secret : NEVER_IN_A_SPAN) {
				assertThat(text).as("span %s", span.getName()).doesNotContain(secret);
			}
		}
	}

	/** One line a span: name, kind, ids, parent and attributes. */
	protected static String describe(List<SpanData> all) {
		StringBuilder text = new StringBuilder();
		for (SpanData span : all) {
			text.append(span.getName())
				.append(" [")
				.append(span.getKind())
				.append("] trace=")
				.append(span.getTraceId())
				.append(" span=")
				.append(span.getSpanId())
				.append(" parent=")
				.append(span.getParentSpanId())
				.append(" ")
				.append(span.getAttributes().asMap())
				.append('\n');
		}
		return text.toString();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class InMemorySpans {

		@Bean
		SpanProcessor inMemorySpans() {
			return SimpleSpanProcessor.create(spans);
		}

	}

}
