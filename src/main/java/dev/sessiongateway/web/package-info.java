/**
 * Cross-cutting web concerns: problem details with stable codes, request size limits and
 * request ids, the mapping of the ledger's exceptions to problems (other packages map
 * theirs through a {@link dev.sessiongateway.web.ProblemMapping}), and the frame of the
 * API description (each route describes itself beside it). Nothing provider-specific.
 */
@NullMarked
package dev.sessiongateway.web;

import org.jspecify.annotations.NullMarked;
