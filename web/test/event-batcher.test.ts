import { describe, expect, it } from "vitest";
import { EventBatcher, type FrameScheduler } from "../src/stream/event-batcher.ts";

/** A scheduler the test fires by hand, standing in for requestAnimationFrame. */
function manualFrames() {
  const callbacks: Array<() => void> = [];
  const schedule: FrameScheduler = (callback) => {
    callbacks.push(callback);
    return () => {
      const at = callbacks.indexOf(callback);
      if (at >= 0) callbacks.splice(at, 1);
    };
  };
  const frame = () => {
    for (const callback of callbacks.splice(0)) callback();
  };
  return { schedule, frame, pending: () => callbacks.length };
}

describe("EventBatcher", () => {
  it("hands over everything pushed during a frame in one call", () => {
    const frames = manualFrames();
    const flushed: number[][] = [];
    const batcher = new EventBatcher<number>((items) => flushed.push(items), frames.schedule);
    for (let i = 1; i <= 100; i++) batcher.push([i]);
    expect(frames.pending()).toBe(1);
    expect(flushed).toEqual([]);
    frames.frame();
    expect(flushed).toHaveLength(1);
    expect(flushed[0]).toHaveLength(100);
    batcher.push([101, 102]);
    frames.frame();
    expect(flushed[1]).toEqual([101, 102]);
  });

  it("schedules nothing for empty pushes", () => {
    const frames = manualFrames();
    const batcher = new EventBatcher<number>(() => {}, frames.schedule);
    batcher.push([]);
    expect(frames.pending()).toBe(0);
  });

  it("clear drops pending items and the scheduled frame", () => {
    const frames = manualFrames();
    const flushed: number[][] = [];
    const batcher = new EventBatcher<number>((items) => flushed.push(items), frames.schedule);
    batcher.push([1, 2]);
    batcher.clear();
    expect(frames.pending()).toBe(0);
    frames.frame();
    expect(flushed).toEqual([]);
    expect(batcher.size).toBe(0);
  });

  it("flushNow hands over at once and cancels the frame", () => {
    const frames = manualFrames();
    const flushed: number[][] = [];
    const batcher = new EventBatcher<number>((items) => flushed.push(items), frames.schedule);
    batcher.push([1]);
    batcher.flushNow();
    expect(flushed).toEqual([[1]]);
    expect(frames.pending()).toBe(0);
  });
});
