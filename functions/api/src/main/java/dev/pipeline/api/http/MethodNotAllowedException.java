package dev.pipeline.api.http;

import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.http.HttpMethod;

/**
 * A method the path does not take: {@code POST} only on {@code /ingest}, {@code GET} only
 * on {@code /health}.
 */
public class MethodNotAllowedException extends RuntimeException {

	private final Set<HttpMethod> allowed;

	/**
	 * The methods the path takes.
	 * @param allowed they go to the {@code Allow} header
	 */
	public MethodNotAllowedException(Set<HttpMethod> allowed) {
		super("The path takes only "
				+ allowed.stream().map(HttpMethod::name).sorted().collect(Collectors.joining(", ")), null, false,
				false);
		this.allowed = Set.copyOf(allowed);
	}

	/**
	 * What the path takes.
	 * @return the methods
	 */
	public Set<HttpMethod> allowed() {
		return this.allowed;
	}

}
