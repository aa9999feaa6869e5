"use client";

import { Component } from "react";

/**
 * Keeps a failing dashboard section from taking the rest of the page with it: the section shows `fallback`, the
 * client's details and portal card stay usable.
 */
export class SectionErrorBoundary extends Component<{ fallback: React.ReactNode; children: React.ReactNode }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}
