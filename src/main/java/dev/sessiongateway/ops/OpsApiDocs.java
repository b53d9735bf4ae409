package dev.sessiongateway.ops;

import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.responses.ApiResponse;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.sessiongateway.tracking.SessionTracker;

/**
 * What the OpenAPI description shows of the ops routes that depends on the configuration:
 * the CSV export's example is a session of a provider the gateway is configured with.
 */
@Configuration(proxyBeanMethods = false)
class OpsApiDocs {

	@Bean
	OpenApiCustomizer opsExportExample(SessionTracker tracker) {
		String provider = tracker.providers().stream().sorted().findFirst().orElse("provider");
		return (openApi) -> {
			PathItem list = (openApi.getPaths() != null) ? openApi.getPaths().get("/ops/sessions") : null;
			ApiResponse ok = (list != null && list.getGet() != null) ? list.getGet().getResponses().get("200") : null;
			MediaType csv = (ok != null && ok.getContent() != null) ? ok.getContent().get(SessionCsv.MEDIA_TYPE) : null;
			Example export = (csv != null && csv.getExamples() != null) ? csv.getExamples().get("export") : null;
			if (export != null) {
				export.setValue(SessionCsv.example(provider));
			}
		};
	}

}
