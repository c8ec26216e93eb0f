package dev.pipeline.api.http;

/**
 * A method other than {@code POST} on {@code /ingest}.
 */
public class MethodNotAllowedException extends RuntimeException {

	MethodNotAllowedException() {
		super("Only POST is allowed", null, false, false);
	}

}
