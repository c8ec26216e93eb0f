package dev.pipeline.api.ingest;

/**
 * The body is not JSON of the shape the API takes: a malformed document, not an object,
 * an unknown or repeated member, or nesting too deep.
 */
public class MalformedRequestException extends RuntimeException {

	MalformedRequestException(String message) {
		super(message, null, false, false);
	}

}
