package dev.pipeline.core;

import java.net.URI;
import java.util.Locale;
import java.util.function.UnaryOperator;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;

/**
 * Applies the SDK's standard settings ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL},
 * {@code AWS_ENDPOINT_URL_<SERVICE>}, {@code AWS_ACCESS_KEY_ID} and
 * {@code AWS_SECRET_ACCESS_KEY}) from a property lookup to a client builder.
 * <p>
 * The applications pass their Spring environment, which sees the same environment
 * variables the SDK would read, so nothing changes in production; tests can set the same
 * names as plain properties. A name that is not set is left to the SDK's own default
 * chains (profiles, container and instance credentials).
 */
public final class AwsSettings {

	private AwsSettings() {
	}

	/**
	 * Applies the standard settings found in {@code lookup} to {@code builder}.
	 * @param <B> the builder type
	 * @param builder the client builder
	 * @param service the service's suffix in {@code AWS_ENDPOINT_URL_<SERVICE>}, e.g.
	 * {@code SQS}
	 * @param lookup returns the value of a setting, or {@code null}
	 * @return the builder
	 */
	public static <B extends AwsClientBuilder<B, ?>> B apply(B builder, String service, UnaryOperator<String> lookup) {
		String region = lookup.apply("AWS_REGION");
		if (hasText(region)) {
			builder.region(Region.of(region.trim()));
		}
		String endpoint = lookup.apply("AWS_ENDPOINT_URL_" + service.toUpperCase(Locale.ROOT));
		if (!hasText(endpoint)) {
			endpoint = lookup.apply("AWS_ENDPOINT_URL");
		}
		if (hasText(endpoint)) {
			builder.endpointOverride(URI.create(endpoint.trim()));
		}
		String accessKey = lookup.apply("AWS_ACCESS_KEY_ID");
		String secretKey = lookup.apply("AWS_SECRET_ACCESS_KEY");
		if (hasText(accessKey) && hasText(secretKey) && !hasText(lookup.apply("AWS_SESSION_TOKEN"))) {
			builder.credentialsProvider(
					StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)));
		}
		return builder;
	}

	private static boolean hasText(String value) {
		return value != null && !value.isBlank();
	}

}
