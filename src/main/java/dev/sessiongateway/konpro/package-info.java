/**
 * Konpro: its client, settings and the inbound widget-session routes.
 */
@NullMarked
package dev.sessiongateway.konpro;

import org.jspecify.annotations.NullMarked;
