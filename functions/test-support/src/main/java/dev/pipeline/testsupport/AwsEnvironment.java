package dev.pipeline.testsupport;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings that point a service at emulators, under the SDK's standard names: the
 * region, the dummy credentials and one endpoint per service. The same map is a Spring
 * property source, a process's environment, a Lambda runtime's configuration or command
 * line arguments.
 */
public final class AwsEnvironment {

	private final Map<String, String> settings;

	private AwsEnvironment(Map<String, String> settings) {
		this.settings = settings;
	}

	/**
	 * The region and the credentials, and no endpoint yet.
	 * @return the settings
	 */
	public static AwsEnvironment local() {
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put("AWS_REGION", Aws.REGION.id());
		settings.put("AWS_ACCESS_KEY_ID", "local");
		settings.put("AWS_SECRET_ACCESS_KEY", "local");
		return new AwsEnvironment(settings);
	}

	/**
	 * Adds SQS's endpoint.
	 * @param endpoint the endpoint
	 * @return new settings
	 */
	public AwsEnvironment sqs(URI endpoint) {
		return with("AWS_ENDPOINT_URL_SQS", endpoint.toString());
	}

	/**
	 * Adds S3's endpoint.
	 * @param endpoint the endpoint
	 * @return new settings
	 */
	public AwsEnvironment s3(URI endpoint) {
		return with("AWS_ENDPOINT_URL_S3", endpoint.toString());
	}

	/**
	 * Adds SSM's endpoint.
	 * @param endpoint the endpoint
	 * @return new settings
	 */
	public AwsEnvironment ssm(URI endpoint) {
		return with("AWS_ENDPOINT_URL_SSM", endpoint.toString());
	}

	/**
	 * Adds or replaces one setting, e.g. the service's own.
	 * @param name the name
	 * @param value the value
	 * @return new settings
	 */
	public AwsEnvironment with(String name, String value) {
		Map<String, String> copy = new LinkedHashMap<>(this.settings);
		copy.put(name, value);
		return new AwsEnvironment(copy);
	}

	/**
	 * Returns the settings, in the order they were added.
	 * @return an unmodifiable map
	 */
	public Map<String, String> asMap() {
		return Collections.unmodifiableMap(this.settings);
	}

	/**
	 * Returns the settings as a Spring application's arguments.
	 * @return {@code --name=value} for each setting
	 */
	public String[] asArguments() {
		List<String> arguments = new ArrayList<>();
		this.settings.forEach((name, value) -> arguments.add("--" + name + "=" + value));
		return arguments.toArray(String[]::new);
	}

}
