using System.Diagnostics;
using System.Runtime.ExceptionServices;
using KaizalaBatch.Targets;

namespace KaizalaBatch.Planning;

/// <summary>How rows reach more than one thread. The caller's thread reads the CSV and hands batches to long-lived
/// workers over a small queue; when the workers have enough queued it renders the batch itself instead of waiting, and
/// it hands the items out in file order as their batches are done. So no thread blocks while there is a row to render,
/// and on two cores there is one worker beside the caller, not two competing with it (a pool task per batch of 4 rows
/// cost a fifth more CPU a row than one thread, much of it in the kernel waking threads: bench/README.md, issue 15).</summary>
public static partial class ItemRenderer
{
    /// <summary>Batches a worker may have queued (the one it renders included) before the caller renders the next one
    /// itself. With 2, the worker finished its two while the caller rendered one and went to sleep; with 3 it has one
    /// more to go on with (about half the context switches at 1,000,000 rows: bench/README.md, issue 15).</summary>
    private const int QueuedPerWorker = 3;

    /// <summary>A batch of rows on its way, reused once its items are handed out.</summary>
    private sealed class Batch
    {
        public readonly TargetGroup[] Groups = new TargetGroup[BatchSize];
        public readonly RenderedItem[] Items = new RenderedItem[BatchSize];
        /// <summary>Each item's <see cref="IdentityIndex.HashOf"/>, computed where it was rendered.</summary>
        public readonly ulong[] Identities = new ulong[BatchSize];
        public int Count;
        public long FirstIndex;
        private volatile bool done;
        private ExceptionDispatchInfo? failure;

        public bool Done => done;

        public void Render(ActionJob job, Worker worker, CancellationToken cancellationToken)
        {
            try
            {
                for (var i = 0; i < Count; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var item = job.RenderItem(worker, Groups[i], FirstIndex + i);
                    Items[i] = item;
                    Identities[i] = IdentityIndex.HashOf(item.Action, item.Key);
                }
            }
            catch (Exception exception)
            {
                failure = ExceptionDispatchInfo.Capture(exception);
            }
            done = true;
        }

        /// <summary>The rendered items, or what rendering them threw.</summary>
        public ReadOnlySpan<RenderedItem> Rendered()
        {
            failure?.Throw();
            return Items.AsSpan(0, Count);
        }

        public void Reset()
        {
            Array.Clear(Groups);
            Array.Clear(Items);
            Count = 0;
            failure = null;
            done = false;
        }
    }

    /// <summary>The workers of one action and the queue between the caller and them.</summary>
    private sealed class RenderLanes(ActionJob job, int workers, CancellationToken cancellationToken) : IDisposable
    {
        private readonly Queue<Batch> work = new(); // guarded by itself
        private readonly object doneGate = new();
        private readonly Stack<Batch> spare = new(); // the caller's only
        private readonly List<Thread> threads = [];
        private bool closed;
        private bool callerWaiting;
        private int queued;

        /// <summary>An empty batch to fill (the caller's thread only).</summary>
        public Batch Take() => spare.TryPop(out var batch) ? batch : new Batch();

        /// <summary>Gives a full batch back once its items are handed out.</summary>
        public void Return(Batch batch)
        {
            batch.Reset();
            spare.Push(batch);
        }

        /// <summary>Queues the batch for a worker, or renders it on the caller's thread when the workers have enough.</summary>
        public void Dispatch(Batch batch, Worker callerWorker)
        {
            if (Volatile.Read(ref queued) >= workers * QueuedPerWorker)
            {
                batch.Render(job, callerWorker, cancellationToken);
                return;
            }
            Interlocked.Increment(ref queued);
            lock (work)
            {
                work.Enqueue(batch);
                if (threads.Count < workers)
                {
                    // Started on first need, so that a file of a few rows starts no thread.
                    var thread = new Thread(Work) { IsBackground = true, Name = "render worker" };
                    threads.Add(thread);
                    thread.Start();
                }
                Monitor.Pulse(work);
            }
        }

        /// <summary>Waits until a worker has rendered the batch (the caller's thread).</summary>
        public void WaitFor(Batch batch)
        {
            var spin = new SpinWait();
            while (!batch.Done && !spin.NextSpinWillYield)
            {
                spin.SpinOnce();
            }
            if (batch.Done)
            {
                return;
            }
            lock (doneGate)
            {
                callerWaiting = true;
                while (!batch.Done)
                {
                    Monitor.Wait(doneGate);
                }
                callerWaiting = false;
            }
        }

        private void Work()
        {
            var worker = job.Rent();
            while (true)
            {
                AwaitWork();
                Batch batch;
                lock (work)
                {
                    while (work.Count == 0 && !closed)
                    {
                        Monitor.Wait(work);
                    }
                    if (work.Count == 0)
                    {
                        return;
                    }
                    batch = work.Dequeue();
                }
                batch.Render(job, worker, cancellationToken);
                Interlocked.Decrement(ref queued);
                lock (doneGate)
                {
                    if (callerWaiting)
                    {
                        Monitor.Pulse(doneGate);
                    }
                }
            }
        }

        /// <summary>Spins a little before the worker goes to sleep for want of a batch: the reader hands one over every
        /// few tens of microseconds, and on this VM a futex sleep and the reader's wake-up (two system calls and two
        /// context switches) cost more than that; the worker slept about once every two batches, 260,000 context
        /// switches at 1,000,000 rows (bench/README.md, issue 15).</summary>
        private void AwaitWork()
        {
            var started = Stopwatch.GetTimestamp();
            // The count is read without the lock; the worker checks it again under the lock before it sleeps.
            while (work.Count == 0 && !Volatile.Read(ref closed) && Stopwatch.GetElapsedTime(started) < MaxSpin)
            {
                Thread.SpinWait(20);
            }
        }

        /// <summary>How long a worker spins for the next batch before it sleeps.</summary>
        private static readonly TimeSpan MaxSpin = TimeSpan.FromMicroseconds(50);

        /// <summary>Stops the workers once they are idle; batches not yet started are dropped (the caller stopped
        /// taking items, or has them all). Returns when no worker is rendering, so the reader can close.</summary>
        public void Dispose()
        {
            lock (work)
            {
                closed = true;
                work.Clear();
                Monitor.PulseAll(work);
            }
            foreach (var thread in threads)
            {
                thread.Join();
            }
        }
    }
}
