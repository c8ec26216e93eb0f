package dev.pipeline.bench.perf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux's {@code /proc} says about a process: CPU time used and resident memory.
 */
final class ProcessStats {

	/** {@code USER_HZ}: the unit of {@code utime} and {@code stime}, 100 on Linux. */
	private static final long TICKS_PER_SECOND = 100;

	private ProcessStats() {
	}

	/**
	 * CPU time the process used so far, user and system.
	 * @param pid the process
	 * @return nanoseconds, to a resolution of 10 ms
	 */
	static long cpuNanos(long pid) {
		String stat = read(Path.of("/proc/" + pid + "/stat"));
		// The command name (field 2) may hold spaces: count fields after its ')'.
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		return ticks * (1_000_000_000L / TICKS_PER_SECOND);
	}

	/**
	 * The process's resident set.
	 * @param pid the process
	 * @return mebibytes
	 */
	static long rssMebibytes(long pid) {
		for (String line : read(Path.of("/proc/" + pid + "/status")).split("\n")) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
			}
		}
		throw new IllegalStateException("No VmRSS for process " + pid);
	}

	private static String read(Path path) {
		try {
			return Files.readString(path);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
