package dev.sessiongateway.upstream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The URL a provider call's HTTP span records keeps scheme, host, port and path, and
 * drops what may carry a credential: user info, query and fragment.
 */
class UpstreamSpansTests {

	@Test
	void theRecordedUrlKeepsOnlySchemeHostPortAndPath() {
		assertThat(UpstreamSpans.ClientConvention
			.withoutQuery("https://user:pass@api.example.test:8443/v1/projects/p-1/sessions?key=abc&x=1#frag"))
			.isEqualTo("https://api.example.test:8443/v1/projects/p-1/sessions");
		assertThat(UpstreamSpans.ClientConvention.withoutQuery("http://127.0.0.1/v1/widget/sessions/ws%2F1?t=tok"))
			.isEqualTo("http://127.0.0.1/v1/widget/sessions/ws%2F1");
	}

	@Test
	void aUrlThatCannotBeReadIsRecordedAsNone() {
		assertThat(UpstreamSpans.ClientConvention.withoutQuery("not a url?key=abc")).isEqualTo("none");
		assertThat(UpstreamSpans.ClientConvention.withoutQuery("/relative?key=abc")).isEqualTo("none");
	}

}
