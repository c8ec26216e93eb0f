package dev.pipeline.api.token;

/**
 * The request's token is missing, empty or wrong. The three cases are deliberately not
 * told apart.
 */
public class InvalidTokenException extends RuntimeException {

	InvalidTokenException() {
		super("The token is missing or does not match", null, false, false);
	}

}
