import { useId } from "react";
import "./brand-mark.css";

/** The Switchboard logo: patch-cable nodes on a gradient tile, plus the wordmark. */
export function BrandMark({ showName = true }: { showName?: boolean }) {
  // Unique per instance: a gradient referenced by id from a hidden copy of the logo would not paint.
  const gradient = useId();
  return (
    <span className="brand">
      <svg className="brand-logo" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
        <defs>
          <linearGradient id={gradient} x1="0" y1="0" x2="1" y2="1">
            <stop offset="0" stopColor="#7c6ff2" />
            <stop offset="1" stopColor="#4b3bd6" />
          </linearGradient>
        </defs>
        <rect width="32" height="32" rx="8" fill={`url(#${gradient})`} />
        <path
          d="M9 11h6c3 0 3 10 6 10h2M9 21h6c3 0 3-10 6-10h2"
          fill="none"
          stroke="#fff"
          strokeWidth="2"
          strokeLinecap="round"
        />
        <circle cx="9" cy="11" r="2" fill="#fff" />
        <circle cx="9" cy="21" r="2" fill="#fff" />
        <circle cx="23" cy="11" r="2" fill="#fff" />
        <circle cx="23" cy="21" r="2" fill="#fff" />
      </svg>
      {showName && <span className="brand-name">Switchboard</span>}
    </span>
  );
}
