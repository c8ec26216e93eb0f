package dev.pipeline.api.token;

/**
 * Where the current token is read from.
 */
@FunctionalInterface
interface TokenSource {

	/**
	 * Reads the current token.
	 * @return the token, never empty
	 * @throws RuntimeException if it cannot be read now
	 */
	String read();

}
