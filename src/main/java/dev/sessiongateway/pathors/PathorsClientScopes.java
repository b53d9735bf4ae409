package dev.sessiongateway.pathors;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.sessiongateway.security.ClientScopesAlias;

/**
 * The contract's name for the Pathors projects a client may use, from before the generic
 * {@code gateway.clients[i].scopes.pathors}: {@code gateway.clients[i].pathors-projects}
 * (project ids, or {@code *}) keeps working beside it.
 */
@Configuration(proxyBeanMethods = false)
class PathorsClientScopes {

	@Bean
	static ClientScopesAlias pathorsProjects() {
		return ClientScopesAlias.scopes("pathors-projects", PathorsSessions.PROVIDER);
	}

}
