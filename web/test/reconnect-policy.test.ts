import { describe, expect, it } from "vitest";
import {
  attemptAfterClose,
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  backoffDelay,
  CloseCode,
  closeAction,
  connectionStatus,
  errorFrameAction,
  OFFLINE_AFTER_FAILURES,
  STABLE_CONNECTION_MS,
  shouldForceRefresh,
  TOKEN_REFRESH_MARGIN_MS,
  tokenNeedsRefresh,
  wakeAction,
} from "../src/stream/reconnect-policy.ts";

describe("backoffDelay (exponential, full jitter)", () => {
  const almostOne = () => 0.999_999;

  it("doubles the ceiling from 250 ms up to the 10 s cap", () => {
    const ceilings = Array.from({ length: 9 }, (_, attempt) => backoffDelay(attempt, almostOne) + 1);
    expect(ceilings).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it("spreads delays uniformly between zero and the ceiling", () => {
    expect(backoffDelay(3, () => 0)).toBe(0);
    expect(backoffDelay(3, () => 0.5)).toBe(1000);
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelay(i % 12);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(BACKOFF_CAP_MS);
    }
  });

  it("never overflows for huge or negative attempt numbers", () => {
    expect(backoffDelay(10_000, almostOne)).toBe(BACKOFF_CAP_MS - 1);
    expect(backoffDelay(-5, almostOne)).toBe(BACKOFF_BASE_MS - 1);
  });
});

describe("attemptAfterClose", () => {
  it("starts the schedule afresh after a long healthy connection", () => {
    expect(attemptAfterClose(6, STABLE_CONNECTION_MS)).toBe(0);
  });

  it("keeps climbing when sockets die at once or never open (crash loops, outages)", () => {
    expect(attemptAfterClose(4, 200)).toBe(4);
    expect(attemptAfterClose(4, null)).toBe(4);
  });
});

describe("closeAction", () => {
  it("reconnects after deploys, crashes, network loss and normal closes", () => {
    for (const code of [1000, 1001, 1006, 1011, 1012, 1013, 4000])
      expect(closeAction(code)).toBe("reconnect");
  });

  it("refreshes the token after an auth close", () => {
    expect(closeAction(CloseCode.authExpired)).toBe("refresh-and-reconnect");
  });

  it("reloads messages after a reset close and gives up on forbidden or missing conversations", () => {
    expect(closeAction(CloseCode.reset)).toBe("reset");
    expect(closeAction(CloseCode.forbidden)).toBe("stop");
    expect(closeAction(CloseCode.notFound)).toBe("stop");
  });
});

describe("errorFrameAction", () => {
  it("maps error codes to what the connection should do", () => {
    expect(errorFrameAction("unauthorized")).toBe("refresh-and-reconnect");
    expect(errorFrameAction("not_found")).toBe("stop");
    expect(errorFrameAction("forbidden")).toBe("stop");
    expect(errorFrameAction("service_unavailable")).toBe("report");
  });
});

describe("shouldForceRefresh", () => {
  it("refreshes after a 4401 close", () => {
    expect(shouldForceRefresh({ closeCode: 4401, handshakeFailures: 0, online: true })).toBe(true);
  });

  it("refreshes every third refused handshake while online (a browser hides the HTTP 401)", () => {
    const decisions = [1, 2, 3, 4, 5, 6].map((handshakeFailures) =>
      shouldForceRefresh({ closeCode: 1006, handshakeFailures, online: true }),
    );
    expect(decisions).toEqual([false, false, true, false, false, true]);
  });

  it("does not refresh for failures that are the network's fault", () => {
    expect(shouldForceRefresh({ closeCode: 1006, handshakeFailures: 3, online: false })).toBe(false);
    expect(shouldForceRefresh({ closeCode: 1012, handshakeFailures: 0, online: true })).toBe(false);
  });
});

describe("tokenNeedsRefresh", () => {
  const now = 1_000_000;
  it("refreshes a token that is expired or expires within the margin", () => {
    expect(tokenNeedsRefresh(now - 1, now)).toBe(true);
    expect(tokenNeedsRefresh(now + TOKEN_REFRESH_MARGIN_MS, now)).toBe(true);
    expect(tokenNeedsRefresh(now + TOKEN_REFRESH_MARGIN_MS + 1, now)).toBe(false);
  });

  it("trusts a token without a readable expiry until the server refuses it", () => {
    expect(tokenNeedsRefresh(undefined, now)).toBe(false);
  });
});

describe("wakeAction", () => {
  it("reconnects at once when there is no open socket", () => {
    expect(wakeAction({ socketOpen: false, msSinceLastFrame: 0 })).toBe("reconnect-now");
  });

  it("replaces a socket that has been silent too long (a phone waking after 30 minutes)", () => {
    expect(wakeAction({ socketOpen: true, msSinceLastFrame: 30 * 60_000 })).toBe("reconnect-now");
  });

  it("only probes a recently active socket", () => {
    expect(wakeAction({ socketOpen: true, msSinceLastFrame: 2_000 })).toBe("probe");
  });
});

describe("connectionStatus", () => {
  const base = { open: false, online: true, failuresSinceOpen: 0, everOpened: false };
  it("says live whenever the socket is open", () => {
    expect(connectionStatus({ ...base, open: true, online: false })).toBe("live");
  });
  it("says connecting before the first open and reconnecting after", () => {
    expect(connectionStatus(base)).toBe("connecting");
    expect(connectionStatus({ ...base, everOpened: true, failuresSinceOpen: 2 })).toBe("reconnecting");
  });
  it("says offline when the browser is offline or attempts keep failing", () => {
    expect(connectionStatus({ ...base, online: false })).toBe("offline");
    expect(connectionStatus({ ...base, everOpened: true, failuresSinceOpen: OFFLINE_AFTER_FAILURES })).toBe(
      "offline",
    );
  });
});
