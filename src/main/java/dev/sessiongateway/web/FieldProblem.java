package dev.sessiongateway.web;

/**
 * One invalid field of a request: where it is and what is wrong with it.
 */
public record FieldProblem(String field, String message) {

}
