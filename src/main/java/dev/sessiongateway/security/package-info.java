/**
 * Who is calling: client keys (stored as SHA-256 hashes), roles, and the Pathors projects
 * and Konpro account each client may use.
 */
@NullMarked
package dev.sessiongateway.security;

import org.jspecify.annotations.NullMarked;
