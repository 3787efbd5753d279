import { useEffect, useRef, type ReactNode } from 'react';

/**
 * The heading of a view. A new view moves the keyboard focus to its heading (as a page load would put it at the
 * top), and names the browser tab after it.
 */
export function ViewHeading({ children, title, id }: { readonly children: ReactNode; readonly title: string; readonly id?: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Case exchange console`;
    heading.current?.focus({ preventScroll: false });
  }, [title]);
  return (
    <h2 ref={heading} id={id} tabIndex={-1} className="view-heading">
      {children}
    </h2>
  );
}
