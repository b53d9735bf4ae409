/**
 * Cross-cutting web concerns: problem details with stable codes, request size limits and
 * request ids, and the mapping of the ledger's exceptions to problems. Nothing
 * provider-specific.
 */
@NullMarked
package dev.sessiongateway.web;

import org.jspecify.annotations.NullMarked;
