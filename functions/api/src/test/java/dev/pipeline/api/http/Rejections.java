package dev.pipeline.api.http;

import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on the {@link Rejection} a step threw. */
public final class Rejections {

	private Rejections() {
	}

	/**
	 * Asserts a rejection's problem type.
	 * @param type e.g. {@code invalid-token}
	 * @return the assertion, for {@code satisfies}
	 */
	public static Consumer<Rejection> rejected(String type) {
		return (rejection) -> assertThat(rejection.type()).isEqualTo(type);
	}

}
