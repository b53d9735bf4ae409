/**
 * The container image as the Dockerfile describes it, laid out and started without
 * Docker, and the compose file that runs it.
 */
@NullMarked
package dev.sessiongateway.image;

import org.jspecify.annotations.NullMarked;
