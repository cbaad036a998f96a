import type {Config, LoadContext, Plugin} from '@docusaurus/types';
import type * as Preset from '@docusaurus/preset-classic';
import {themes as prismThemes, type PrismTheme} from 'prism-react-renderer';

// The site is read on the learner's own machine, often with no network.
// Nothing here may fetch at build or run time: no search service, no
// analytics, no web fonts, no CDN scripts. Mermaid is bundled by
// @docusaurus/theme-mermaid and renders in the browser.

// package.json says "type": "module", so webpack parses every .js file of the
// site as strict ESM, including the route registry Docusaurus generates in
// .docusaurus/. In ESM webpack leaves `require.resolveWeak` untranslated and
// the static build fails with "require.resolveWeak is not a function".
// Those generated files are written for webpack's default (auto) parsing.
// The same "type": "module" trips the server build under Rspack: it splits the
// server bundle into chunks that Node then loads as ESM. Naming them .cjs keeps
// them CommonJS wherever the output folder is.
function generatedFilesAsAutoModules(context: LoadContext): Plugin {
  return {
    name: 'awslings-generated-files-as-auto-modules',
    configureWebpack(_config, isServer) {
      return {
        ...(isServer && {
          output: {chunkFilename: 'assets/js/[name].[contenthash:8].cjs'},
        }),
        module: {
          rules: [
            {
              test: /\.js$/,
              include: context.generatedFilesDir,
              type: 'javascript/auto',
              resolve: {fullySpecified: false},
            },
          ],
        },
      };
    },
  };
}

// Prism's github and dracula themes, with the token colours that fall below
// 4.5:1 against the code background (WCAG AA) darkened or lightened.
function withColors(
  theme: PrismTheme,
  replacements: Record<string, string>,
): PrismTheme {
  return {
    ...theme,
    styles: theme.styles.map((s) => {
      const color = s.style.color && replacements[s.style.color];
      return color ? {...s, style: {...s.style, color}} : s;
    }),
  };
}

const lightCodeTheme = withColors(prismThemes.github, {
  '#999988': '#5f6b76', // comments
  '#e3116c': '#b0105c', // strings
  '#36acaa': '#16706e', // numbers, variables, properties
  '#00a4db': '#00669e', // at-rules, attribute names
  '#d73a49': '#b31d28', // functions, tags
});

const darkCodeTheme = withColors(prismThemes.dracula, {
  'rgb(98, 114, 164)': '#93a1cf', // comments
});

const config: Config = {
  title: 'awslings',
  tagline:
    'Learn AWS serverless by doing: lessons, hands-on labs and automatic checks, offline on your own machine.',
  favicon: 'img/favicon.svg',

  url: 'http://localhost',
  baseUrl: '/',

  onBrokenLinks: 'throw',
  onBrokenAnchors: 'throw',
  onDuplicateRoutes: 'throw',

  // `faster`: Rspack and SWC from @docusaurus/faster. A cold production build
  // takes 4 to 8 times less than with webpack (5.6 s against 46 s on a quiet
  // machine; `npm run bench -- sandbox`), which keeps the first `npm start` quick.
  future: {
    faster: true,
    v4: {
      removeLegacyPostBuildHeadAttribute: true,
      useCssCascadeLayers: true,
      siteStorageNamespacing: true,
      mdx1CompatDisabledByDefault: true,
      fasterByDefault: false,
    },
  },

  i18n: {
    defaultLocale: 'en',
    locales: ['en'],
  },

  markdown: {
    mermaid: true,
    hooks: {
      onBrokenMarkdownLinks: 'throw',
      onBrokenMarkdownImages: 'throw',
    },
  },

  themes: ['@docusaurus/theme-mermaid'],
  plugins: [generatedFilesAsAutoModules],

  presets: [
    [
      'classic',
      {
        docs: {
          routeBasePath: '/docs',
          sidebarPath: './sidebars.ts',
        },
        blog: false,
        // A sitemap is for search engines; the course runs on localhost.
        sitemap: false,
        theme: {
          customCss: './src/css/custom.css',
        },
      } satisfies Preset.Options,
    ],
  ],

  themeConfig: {
    colorMode: {
      respectPrefersColorScheme: true,
    },
    docs: {
      sidebar: {
        hideable: true,
      },
    },
    navbar: {
      title: 'awslings',
      logo: {
        alt: 'awslings logo',
        src: 'img/logo.svg',
      },
      items: [
        // Plain links with explicit active paths: the instructor guide shares
        // the course sidebar, and sidebar-based items would highlight both.
        {
          to: '/docs',
          activeBaseRegex: '^/docs(?!/instructor-guide)',
          position: 'left',
          label: 'Course',
        },
        {
          to: '/progress',
          position: 'left',
          label: 'Progress',
        },
        {
          to: '/docs/instructor-guide',
          activeBasePath: '/docs/instructor-guide',
          position: 'right',
          label: 'Instructor guide',
        },
      ],
    },
    footer: {
      style: 'dark',
      links: [
        {
          title: 'Learn',
          items: [
            {label: 'Getting started', to: '/docs'},
            {label: 'Progress', to: '/progress'},
            {label: 'Reference', to: '/docs/reference'},
          ],
        },
        {
          title: 'Teach',
          items: [{label: 'Instructor guide', to: '/docs/instructor-guide'}],
        },
      ],
      copyright:
        'awslings is free software (AGPL-3.0-or-later). It is not affiliated with or endorsed by Amazon Web Services.',
    },
    mermaid: {
      theme: {light: 'neutral', dark: 'dark'},
    },
    prism: {
      theme: lightCodeTheme,
      darkTheme: darkCodeTheme,
      additionalLanguages: ['bash', 'json', 'yaml'],
    },
  } satisfies Preset.ThemeConfig,
};

export default config;
