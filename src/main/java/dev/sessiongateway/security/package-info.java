/**
 * Who is calling: client keys (stored as SHA-256 hashes), roles, the scopes each client
 * may use at each provider, and its share of a provider's request budget; knows no
 * provider.
 */
@NullMarked
package dev.sessiongateway.security;

import org.jspecify.annotations.NullMarked;
