package dev.pipeline.testsupport;

import java.net.URI;
import java.util.Map;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherSessionListener;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@IntegrationTest
class SharedEmulatorsTests {

	@Test
	void eachEmulatorIsStartedOncePerJvmAndStoppedWithTheSession() {
		SqsEmulator sqs = Emulators.sqs();
		S3Emulator s3 = Emulators.s3();
		SsmStub ssm = Emulators.ssm();
		assertThat(Emulators.sqs()).isSameAs(sqs);
		assertThat(Emulators.s3()).isSameAs(s3);
		assertThat(Emulators.ssm()).isSameAs(ssm);
		sqs.createQueue("shared-emulators-tests");

		Emulators.stopAll();

		try (SqsClient client = sqs.client()) {
			assertThatExceptionOfType(SdkClientException.class)
				.isThrownBy(() -> client.getQueueUrl((request) -> request.queueName("shared-emulators-tests")));
		}
		SqsEmulator next = Emulators.sqs();
		assertThat(next).isNotSameAs(sqs);
		try (SqsClient client = next.client()) {
			assertThatExceptionOfType(QueueDoesNotExistException.class)
				.as("a fresh emulator, not the stopped one's state")
				.isThrownBy(() -> client.getQueueUrl((request) -> request.queueName("shared-emulators-tests")));
		}
	}

	@Test
	void theLauncherFindsTheListenerThatStopsThem() {
		assertThat(ServiceLoader.load(LauncherSessionListener.class)).hasAtLeastOneElementOfType(Emulators.class);
	}

	@Test
	void theAwsEnvironmentNamesWhatTheSdkReads() {
		AwsEnvironment environment = AwsEnvironment.local()
			.sqs(URI.create("http://127.0.0.1:1"))
			.s3(URI.create("http://127.0.0.1:2"))
			.ssm(URI.create("http://127.0.0.1:3"))
			.with("persist.queue.name", "q");
		assertThat(environment.asMap()).containsExactly(Map.entry("AWS_REGION", "us-east-1"),
				Map.entry("AWS_ACCESS_KEY_ID", "local"), Map.entry("AWS_SECRET_ACCESS_KEY", "local"),
				Map.entry("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:1"),
				Map.entry("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:2"),
				Map.entry("AWS_ENDPOINT_URL_SSM", "http://127.0.0.1:3"), Map.entry("persist.queue.name", "q"));
		assertThat(environment.asArguments()).startsWith("--AWS_REGION=us-east-1").endsWith("--persist.queue.name=q");
		assertThat(AwsEnvironment.local().asMap()).doesNotContainKey("AWS_ENDPOINT_URL_SQS");
	}

}
