package dev.pipeline.core;

import java.io.IOException;
import java.io.InputStream;

/**
 * For a service the local run starts: stops it when the launcher is gone. The launcher
 * holds the service's standard input open; when the launcher exits, however it exits
 * (even SIGKILL), the operating system closes it, and the service reads end of input.
 * Without this a killed launcher leaves the API and the worker running on their ports.
 */
public final class ParentWatch {

	/** The environment variable the local run sets to {@code true} for its services. */
	public static final String ENV = "LOCAL_PARENT_WATCH";

	private ParentWatch() {
	}

	/**
	 * Starts the watch if the environment asks for it.
	 * @param stop what stops the service (it should end the process)
	 * @return whether the watch runs
	 */
	public static boolean startIfAsked(Runnable stop) {
		if (!"true".equalsIgnoreCase(System.getenv(ENV))) {
			return false;
		}
		watch(System.in, stop);
		return true;
	}

	/**
	 * Runs {@code stop} once {@code in} ends.
	 * @param in the stream the parent holds open
	 * @param stop what to run then
	 * @return the watching thread (a daemon)
	 */
	public static Thread watch(InputStream in, Runnable stop) {
		Thread thread = new Thread(() -> {
			try {
				while (in.read() != -1) {
					// The launcher sends nothing; anything read is ignored.
				}
			}
			catch (IOException ex) {
				// A broken pipe is the same news: the launcher is gone.
			}
			stop.run();
		}, "parent-watch");
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

}
