import { ViewHeading } from '../components/view-heading';

export function UnknownView({ hash }: { readonly hash: string }) {
  return (
    <section aria-labelledby="unknown-heading">
      <ViewHeading id="unknown-heading" title="No such page">
        No such page
      </ViewHeading>
      <p>
        The console has no page at <code>{hash}</code>. Go back to <a href="#/">your boards</a>.
      </p>
    </section>
  );
}
