package dev.pipeline.api.http;

/**
 * The request's content type is missing or not JSON.
 */
public class UnsupportedMediaTypeException extends RuntimeException {

	UnsupportedMediaTypeException() {
		super("The content type must be application/json", null, false, false);
	}

}
