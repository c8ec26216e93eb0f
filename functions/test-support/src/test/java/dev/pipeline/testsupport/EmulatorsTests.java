package dev.pipeline.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

@IntegrationTest
class EmulatorsTests {

	/**
	 * The one persistent queue database this JVM may use (see SqsEmulator.persistent).
	 */
	@TempDir
	static Path queueDatabase;

	@Test
	void s3EmulatorRefusesASecondConditionalCreateOfOneKey(@TempDir Path directory) throws Exception {
		try (S3Emulator emulator = S3Emulator.onDisk(directory, 0); S3Client s3 = emulator.client()) {
			emulator.createBucket("archive");
			s3.putObject((request) -> request.bucket("archive").key("a/b.json").ifNoneMatch("*"),
					RequestBody.fromString("{\"n\":1}"));
			assertThatExceptionOfType(S3Exception.class)
				.isThrownBy(() -> s3.putObject((request) -> request.bucket("archive").key("a/b.json").ifNoneMatch("*"),
						RequestBody.fromString("{\"n\":2}")))
				.satisfies((ex) -> assertThat(ex.statusCode()).isEqualTo(412));
			assertThat(s3.getObjectAsBytes((request) -> request.bucket("archive").key("a/b.json")).asUtf8String())
				.isEqualTo("{\"n\":1}");
			assertThat(Files.readString(directory.resolve("archive/a/b.json"))).isEqualTo("{\"n\":1}");
		}
	}

	@Test
	void sqsEmulatorRoundTripsAMessage() {
		try (SqsEmulator emulator = SqsEmulator.start(); SqsClient sqs = emulator.client()) {
			String url = emulator.createQueue("round-trip");
			assertThat(url).contains("000000000000");
			sqs.sendMessage((request) -> request.queueUrl(url).messageBody("hello"));
			assertThat(sqs.receiveMessage((request) -> request.queueUrl(url)).messages()).singleElement()
				.satisfies((message) -> assertThat(message.body()).isEqualTo("hello"));
		}
	}

	@Test
	void aPersistentSqsEmulatorKeepsQueuedMessagesAndTheRedrivePolicyAcrossARestart() {
		Path database = queueDatabase.resolve("queue");
		int port = freePort();
		String url;
		try (SqsEmulator emulator = SqsEmulator.persistent(database, port, "kept", 3, 30);
				SqsClient sqs = emulator.client()) {
			url = sqs.getQueueUrl((request) -> request.queueName("kept")).queueUrl();
			sqs.sendMessage((request) -> request.queueUrl(url).messageBody("one"));
			sqs.sendMessage((request) -> request.queueUrl(url).messageBody("two"));
			Message taken = sqs.receiveMessage((request) -> request.queueUrl(url)).messages().get(0);
			sqs.deleteMessage((request) -> request.queueUrl(url).receiptHandle(taken.receiptHandle()));
		}
		try (SqsEmulator emulator = SqsEmulator.persistent(database, port, "kept", 3, 30);
				SqsClient sqs = emulator.client()) {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> !sqs.receiveMessage((request) -> request.queueUrl(url).visibilityTimeout(0))
					.messages()
					.isEmpty());
			List<String> bodies = sqs
				.receiveMessage((request) -> request.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1))
				.messages()
				.stream()
				.map(Message::body)
				.toList();
			assertThat(bodies).hasSize(1).isSubsetOf("one", "two");
			Map<QueueAttributeName, String> attributes = sqs
				.getQueueAttributes((request) -> request.queueUrl(url).attributeNames(QueueAttributeName.ALL))
				.attributes();
			assertThat(attributes.get(QueueAttributeName.VISIBILITY_TIMEOUT)).isEqualTo("30");
			assertThat(attributes.get(QueueAttributeName.REDRIVE_POLICY)).contains("kept-dlq").contains("3");
		}
	}

	@Test
	void aSecondPersistentSqsEmulatorWithAnotherDatabaseIsRefused() {
		// ElasticMQ's connection pool is one per JVM: the other file would share the
		// first's.
		try (SqsEmulator emulator = SqsEmulator.persistent(queueDatabase.resolve("queue"), freePort(), "first", 3,
				30)) {
			assertThatIllegalStateException()
				.isThrownBy(() -> SqsEmulator.persistent(queueDatabase.resolve("other"), freePort(), "second", 3, 30))
				.withMessageContaining("one message database per JVM");
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Test
	void ssmStubServesSecureStringsAndOutages() {
		try (SsmStub stub = SsmStub.start();
				SsmClient ssm = SsmClient.builder()
					.endpointOverride(stub.endpoint())
					.region(Aws.REGION)
					.credentialsProvider(Aws.CREDENTIALS)
					.overrideConfiguration((config) -> config.retryStrategy((retry) -> retry.maxAttempts(1)))
					.build()) {
			stub.putSecureString("/p", "v\"1");
			assertThat(ssm.getParameter((request) -> request.name("/p").withDecryption(true)).parameter().value())
				.isEqualTo("v\"1");
			assertThatExceptionOfType(ParameterNotFoundException.class)
				.isThrownBy(() -> ssm.getParameter((request) -> request.name("/q").withDecryption(true)));
			stub.failAll();
			assertThatExceptionOfType(Exception.class)
				.isThrownBy(() -> ssm.getParameter((request) -> request.name("/p").withDecryption(true)));
			stub.recover();
			assertThat(ssm.getParameter((request) -> request.name("/p").withDecryption(true)).parameter().value())
				.isEqualTo("v\"1");
			assertThat(stub.getParameterCalls()).isEqualTo(4);
		}
	}

}
