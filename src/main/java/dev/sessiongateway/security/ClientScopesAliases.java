package dev.sessiongateway.security;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/**
 * Reads each client's older, provider-named scope settings (the {@link ClientScopesAlias}
 * beans the providers' packages declare) into its scopes while the client is bound: when
 * Spring Boot binds {@link ClientProperties}, and when the start-up check reads it. The
 * rest of the gateway sees one form, {@code scopes.<provider>}. A value that cannot be
 * read is left to the handlers around this one, so the start-up check names it as it
 * names any other.
 */
class ClientScopesAliases implements ConfigurationPropertiesBindHandlerAdvisor {

	private final List<ClientScopesAlias> aliases;

	ClientScopesAliases(List<ClientScopesAlias> aliases) {
		this.aliases = List.copyOf(aliases);
	}

	@Override
	public BindHandler apply(BindHandler handler) {
		return new AliasesHandler(handler);
	}

	private final class AliasesHandler extends AbstractBindHandler {

		AliasesHandler(BindHandler parent) {
			super(parent);
		}

		@Override
		public @Nullable Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
				Object result) {
			Object bound = super.onSuccess(name, target, context, result);
			if (!(bound instanceof ClientProperties.Client client)) {
				return bound;
			}
			for (ClientScopesAlias alias : ClientScopesAliases.this.aliases) {
				client = client.withScopes(alias.provider(), scopes(name.append(alias.property()), alias, context));
			}
			return client;
		}

		/** The scopes one alias gives a client: none when it is not set. */
		private List<String> scopes(ConfigurationPropertyName property, ClientScopesAlias alias, BindContext context) {
			Bindable<?> type = alias.everyScopeWhenTrue() ? Bindable.of(Boolean.class) : Bindable.listOf(String.class);
			Object value;
			try {
				value = context.getBinder().bind(property, type).orElse(null);
			}
			catch (BindException ex) {
				value = unreadable(property, type, context, ex);
			}
			if (value instanceof Boolean everyScope) {
				return everyScope ? List.of("*") : List.of();
			}
			return (value instanceof List<?> scopes) ? scopes.stream().map(String::valueOf).toList() : List.of();
		}

		/** What the handlers around this one make of a value that cannot be read. */
		private @Nullable Object unreadable(ConfigurationPropertyName property, Bindable<?> type, BindContext context,
				BindException ex) {
			try {
				return onFailure(property, type, context, (ex.getCause() instanceof Exception cause) ? cause : ex);
			}
			catch (Exception refused) {
				throw ex;
			}
		}

	}

}
