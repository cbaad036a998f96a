import type {ReactNode} from 'react';
import Link from '@docusaurus/Link';
import useBaseUrl from '@docusaurus/useBaseUrl';
import Layout from '@theme/Layout';
import LearningPath, {
  courseModules,
  useDocPath,
} from '@site/src/components/LearningPath';
import styles from './index.module.css';

const steps: {title: string; text: ReactNode}[] = [
  {
    title: 'Read',
    text: 'Each module starts with a short lesson: what the service does, the limits that matter, and the mistakes people make.',
  },
  {
    title: 'Build',
    text: (
      <>
        Write the code and configuration in <code>workspace/&lt;lab&gt;</code>,
        in your own editor. In the terminal on the lesson page, plain AWS SDK
        code and AWS CLI commands reach the sandbox with no set-up.
      </>
    ),
  },
  {
    title: 'Check',
    text: (
      <>
        <code>npx awslings check &lt;lab&gt;</code> inspects what you built
        through the AWS API and scores each check, with a hint for the ones
        that fail.
      </>
    ),
  },
];

function Hero(): ReactNode {
  const startPath = useDocPath(courseModules[0].docId);
  return (
    <div className={styles.hero}>
      <div className={`container ${styles.heroInner}`}>
        <img
          className={styles.logo}
          src={useBaseUrl('/img/logo.svg')}
          alt="awslings logo: a command prompt inside a cloud"
          width={96}
          height={76}
        />
        <div>
          <h1 className={styles.title}>awslings</h1>
          <p className={styles.tagline}>
            Learn AWS serverless by doing: lessons, hands-on labs and automatic
            checks, running offline on your own machine against an embedded
            AWS emulator. No AWS account, no Docker, no cost.
          </p>
          <Link className={`button button--lg ${styles.start}`} to={startPath}>
            Start the course
          </Link>
        </div>
      </div>
    </div>
  );
}

function HowItWorks(): ReactNode {
  return (
    <section className={styles.how} aria-labelledby="how-it-works">
      <div className="container">
        <h2 id="how-it-works">How it works</h2>
        <ol className={styles.steps}>
          {steps.map((step) => (
            <li key={step.title} className={styles.step}>
              <h3>{step.title}</h3>
              <p>{step.text}</p>
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}

export default function Home(): ReactNode {
  return (
    <Layout
      title="Learn AWS serverless offline, by doing"
      description="awslings is an offline, hands-on course in AWS serverless: lessons, labs and automatic checks against an embedded AWS emulator.">
      <main>
        <Hero />
        <HowItWorks />
        <LearningPath />
      </main>
    </Layout>
  );
}
