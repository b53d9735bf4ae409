/**
 * Cross-cutting web concerns: problem details with stable codes, request size limits and
 * request ids. Nothing feature-specific.
 */
@NullMarked
package dev.sessiongateway.web;

import org.jspecify.annotations.NullMarked;
