package dev.pipeline.api.http;

/**
 * A path the API does not serve.
 */
public class NotFoundException extends RuntimeException {

	public NotFoundException() {
		super("There is nothing at this path", null, false, false);
	}

}
