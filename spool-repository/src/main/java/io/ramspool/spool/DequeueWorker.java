package io.ramspool.spool;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.FluxSink;

/**
 * Serves one {@code deQueue()} subscription from a daemon thread: waits for demand, takes the
 * next ready mail, emits it. A mail taken while the subscriber went away is put back, so that
 * cancelling a subscription never strands a mail in flight.
 */
final class DequeueWorker implements Runnable {
    private static final Logger LOGGER = LoggerFactory.getLogger(DequeueWorker.class);
    private static final AtomicInteger THREAD_COUNTER = new AtomicInteger();

    private final RamSpoolMailQueue queue;
    private final FluxSink<RamSpoolMailQueueItem> sink;
    private final Object demandMonitor = new Object();
    private final Thread thread;
    private volatile boolean stopped;

    DequeueWorker(RamSpoolMailQueue queue, FluxSink<RamSpoolMailQueueItem> sink) {
        this.queue = queue;
        this.sink = sink;
        this.thread = new Thread(this, "ramspool-dequeue-" + queue.getQueueName() + "-"
            + THREAD_COUNTER.incrementAndGet());
        this.thread.setDaemon(true);
        sink.onRequest(this::demandArrived);
        sink.onDispose(this::stop);
    }

    void start() {
        thread.start();
    }

    boolean isStopped() {
        return stopped || sink.isCancelled();
    }

    void stop() {
        stopped = true;
        synchronized (demandMonitor) {
            demandMonitor.notifyAll();
        }
        queue.signalWorkers();
    }

    private void demandArrived(long requested) {
        synchronized (demandMonitor) {
            demandMonitor.notifyAll();
        }
    }

    @Override
    public void run() {
        try {
            while (awaitDemand()) {
                Optional<QueuedEntry> next = queue.takeReady(this);
                if (next.isEmpty()) {
                    break;
                }
                emit(next.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOGGER.error("Dequeue worker failed queue={}", queue.getQueueName(), e);
            sink.error(e);
        } finally {
            queue.workerStopped(this);
        }
    }

    private boolean awaitDemand() throws InterruptedException {
        synchronized (demandMonitor) {
            while (!isStopped() && sink.requestedFromDownstream() <= 0) {
                demandMonitor.wait(1000);
            }
        }
        return !isStopped();
    }

    private void emit(QueuedEntry queued) {
        Optional<RamSpoolMailQueueItem> item = queue.toItem(queued);
        if (item.isEmpty()) {
            return;
        }
        if (isStopped()) {
            queue.putBack(queued, MailQueueItem.CompletionStatus.RETRY);
            return;
        }
        sink.next(item.get());
    }
}
