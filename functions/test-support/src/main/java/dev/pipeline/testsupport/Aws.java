package dev.pipeline.testsupport;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The region and the dummy credentials that every emulator accepts.
 */
public final class Aws {

	/** The region the emulators pretend to be. */
	public static final Region REGION = Region.US_EAST_1;

	/** Credentials for the emulators; any value passes. */
	public static final AwsCredentialsProvider CREDENTIALS = StaticCredentialsProvider
		.create(AwsBasicCredentials.create("local", "local"));

	private Aws() {
	}

}
