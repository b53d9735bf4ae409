/**
 * Who is calling: client keys (stored as SHA-256 hashes), roles, and the scopes each
 * client may use at each provider; knows no provider.
 */
@NullMarked
package dev.sessiongateway.security;

import org.jspecify.annotations.NullMarked;
